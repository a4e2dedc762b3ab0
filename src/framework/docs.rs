//! Registry documentation generated from schemas: `index.md`, `resources/<name>.md` and
//! `data-sources/<name>.md` in the layout the Terraform Registry (and tfplugindocs) use, with
//! front matter, the description, "Example Usage" from `examples/`, the schema split into
//! Required / Optional / Read-Only (nested schemas below), and "Import".
//!
//! Descriptions live in the schemas; the pages are generated, never edited by hand.

use super::function::Definition;
use super::identity::Identity;
use super::schema::{AttrKind, Attribute, Block, Mode, NestedBlock, Nesting, Schema};
use crate::protocol::value::Type;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// What the docs are generated from.
pub struct DocsInput<'a> {
    /// The provider's type name (the prefix of every type).
    pub provider: &'a str,
    /// The provider block's schema.
    pub provider_schema: &'a Schema,
    /// Resource types and schemas.
    pub resources: Vec<(&'a str, Schema)>,
    /// Data source types and schemas.
    pub data_sources: Vec<(&'a str, Schema)>,
    /// Ephemeral resource types and schemas (Terraform 1.10+).
    pub ephemeral_resources: Vec<(&'a str, Schema)>,
    /// Action types and their configuration schemas (Terraform 1.14+).
    pub actions: Vec<(&'a str, Schema)>,
    /// List resource types and the schemas of their `config` blocks (Terraform 1.14+).
    pub list_resources: Vec<(&'a str, Schema)>,
    /// Provider functions and their definitions (Terraform 1.8+).
    pub functions: Vec<(&'a str, Definition)>,
    /// Resource identities (Terraform 1.12+), by resource type: the Import section then shows
    /// an `import` block by identity (built from the first `terraform import` line of
    /// `import.sh`) and the identity schema.
    pub identities: Vec<(&'a str, Identity)>,
    /// The `examples/` directory (`provider/provider.tf`, `resources/<type>/resource.tf` and
    /// `import.sh`, `data-sources/<type>/data-source.tf`,
    /// `ephemeral-resources/<type>/ephemeral-resource.tf`, `functions/<name>/function.tf`).
    pub examples: &'a Path,
}

/// Renders every page, keyed by its path relative to `docs/`.
pub fn render(input: &DocsInput<'_>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let read = |rel: &str| std::fs::read_to_string(input.examples.join(rel)).ok();
    out.insert(
        "index.md".to_owned(),
        page(
            &format!("{} Provider", input.provider),
            None,
            &format!("{} Provider", input.provider),
            input.provider_schema,
            read("provider/provider.tf").map(|e| ("terraform", e)),
            None,
        ),
    );
    for (name, schema) in &input.resources {
        let short = name
            .strip_prefix(&format!("{}_", input.provider))
            .unwrap_or(name);
        out.insert(
            format!("resources/{short}.md"),
            page(
                &format!("{name} Resource - {}", input.provider),
                Some(""),
                &format!("{name} (Resource)"),
                schema,
                read(&format!("resources/{name}/resource.tf")).map(|e| ("terraform", e)),
                read(&format!("resources/{name}/import.sh")).map(|imp| {
                    match input.identities.iter().find(|(n, _)| n == name) {
                        Some((_, id)) => {
                            imp.trim_end().to_owned() + "\n" + &identity_import(&imp, id, schema)
                        }
                        None => imp,
                    }
                }),
            ),
        );
    }
    for (name, schema) in &input.data_sources {
        let short = name
            .strip_prefix(&format!("{}_", input.provider))
            .unwrap_or(name);
        out.insert(
            format!("data-sources/{short}.md"),
            page(
                &format!("{name} Data Source - {}", input.provider),
                Some(""),
                &format!("{name} (Data Source)"),
                schema,
                read(&format!("data-sources/{name}/data-source.tf")).map(|e| ("terraform", e)),
                None,
            ),
        );
    }
    for (name, schema) in &input.ephemeral_resources {
        let short = name
            .strip_prefix(&format!("{}_", input.provider))
            .unwrap_or(name);
        out.insert(
            format!("ephemeral-resources/{short}.md"),
            page(
                &format!("{name} Ephemeral Resource - {}", input.provider),
                Some(""),
                &format!("{name} (Ephemeral Resource)"),
                schema,
                read(&format!("ephemeral-resources/{name}/ephemeral-resource.tf"))
                    .map(|e| ("terraform", e)),
                None,
            ),
        );
    }
    for (kind, dir, title, file, items) in [
        ("actions", "actions", "Action", "action.tf", &input.actions),
        (
            "list-resources",
            "list-resources",
            "List Resource",
            "list-resource.tfquery.hcl",
            &input.list_resources,
        ),
    ] {
        for (name, schema) in items {
            let short = name
                .strip_prefix(&format!("{}_", input.provider))
                .unwrap_or(name);
            out.insert(
                format!("{kind}/{short}.md"),
                page(
                    &format!("{name} {title} - {}", input.provider),
                    Some(""),
                    &format!("{name} ({title})"),
                    schema,
                    read(&format!("{dir}/{name}/{file}")).map(|e| ("terraform", e)),
                    None,
                ),
            );
        }
    }
    for (name, def) in &input.functions {
        out.insert(
            format!("functions/{name}.md"),
            function_page(
                input.provider,
                name,
                def,
                read(&format!("functions/{name}/function.tf")),
            ),
        );
    }
    out
}

/// A type as the function docs spell it (`string`, `list of string`, `object`).
fn function_type(t: &Type) -> String {
    match t {
        Type::Bool => "bool".to_owned(),
        other => type_label(other).to_lowercase(),
    }
}

fn function_page(provider: &str, name: &str, def: &Definition, example: Option<String>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "---\npage_title: \"{name} function - {provider}\"\nsubcategory: \"\"\ndescription: |-\n  {}\n---\n\n# function: {name}\n",
        def.summary.trim()
    );
    if !def.description.is_empty() {
        let _ = writeln!(s, "{}\n", def.description.trim());
    }
    if let Some(ex) = example {
        let _ = writeln!(
            s,
            "## Example Usage\n\n```terraform\n{}\n```\n",
            ex.trim_end()
        );
    }
    let params: Vec<String> = def
        .parameters
        .iter()
        .map(|p| format!("{} {}", p.name, function_type(&p.ty)))
        .collect();
    let _ = writeln!(
        s,
        "## Signature\n\n<!-- signature generated from the provider's definition; do not edit -->\n```text\n{name}({}) {}\n```\n",
        params.join(", "),
        function_type(&def.returns)
    );
    if !def.parameters.is_empty() {
        let _ = writeln!(s, "## Arguments\n");
        for (i, p) in def.parameters.iter().enumerate() {
            let _ = writeln!(
                s,
                "{}. `{}` ({}) {}",
                i + 1,
                p.name,
                type_label(&p.ty),
                p.description.trim().replace('\n', " ")
            );
        }
        let _ = writeln!(s);
    }
    if let Type::Object(attrs) = &def.returns {
        let _ = writeln!(s, "## Result\n\nAn object with these attributes:\n");
        for (k, t) in attrs {
            let _ = writeln!(s, "- `{k}` ({})", type_label_deep(t));
        }
        let _ = writeln!(s);
    }
    let mut s = s.trim_end().to_owned();
    s.push('\n');
    s
}

/// Like [`type_label`], spelling out object attributes (for function results).
fn type_label_deep(t: &Type) -> String {
    match t {
        Type::Object(attrs) => format!(
            "Object: {}",
            attrs
                .iter()
                .map(|(k, t)| format!("`{k}` ({})", type_label_deep(t)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::List(e) => format!("List of {}", type_label_deep(e)),
        Type::Set(e) => format!("Set of {}", type_label_deep(e)),
        Type::Map(e) => format!("Map of {}", type_label_deep(e)),
        other => type_label(other),
    }
}

fn first_paragraph(s: &str) -> &str {
    s.split("\n\n").next().unwrap_or("").trim()
}

fn page(
    title: &str,
    subcategory: Option<&str>,
    heading: &str,
    schema: &Schema,
    example: Option<(&str, String)>,
    import: Option<String>,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "---\npage_title: \"{title}\"");
    if let Some(sub) = subcategory {
        let _ = writeln!(s, "subcategory: \"{sub}\"");
    }
    let _ = writeln!(s, "description: |-");
    for line in first_paragraph(&schema.block.description).lines() {
        let _ = writeln!(s, "  {line}");
    }
    let _ = writeln!(s, "---\n\n# {heading}\n");
    if !schema.block.description.is_empty() {
        let _ = writeln!(s, "{}\n", schema.block.description.trim());
    }
    if let Some((lang, ex)) = example {
        let _ = writeln!(s, "## Example Usage\n\n```{lang}\n{}\n```\n", ex.trim_end());
    }
    let _ = writeln!(
        s,
        "<!-- schema generated from the provider's schema; do not edit -->\n## Schema\n"
    );
    let mut nested = Vec::new();
    write_block(&mut s, &schema.block, "", &mut nested);
    while !nested.is_empty() {
        let pending = std::mem::take(&mut nested);
        for (anchor, title, block) in pending {
            let _ = writeln!(
                s,
                "<a id=\"{anchor}\"></a>\n### Nested Schema for `{title}`\n"
            );
            write_block(&mut s, &block, &format!("{title}."), &mut nested);
        }
    }
    if let Some(imp) = import {
        let (shell, identity) = imp.split_once(IDENTITY_MARK).unwrap_or((&imp, ""));
        let _ = writeln!(
            s,
            "## Import\n\nImport is supported using the following syntax:\n\n```shell\n{}\n```\n",
            shell.trim_end()
        );
        s.push_str(identity);
    }
    let mut s = s.trim_end().to_owned();
    s.push('\n');
    s
}

/// Separates the shell example from the generated identity part of an Import section.
const IDENTITY_MARK: &str = "\u{0}identity\u{0}";

/// The "import by identity" part of an Import section: an `import` block whose identity
/// values come from the example's `terraform import ADDR ID` line (the id split at `/`, as
/// the framework joins it), and the identity schema.
fn identity_import(shell: &str, id: &Identity, schema: &Schema) -> String {
    let mut s = String::from(IDENTITY_MARK);
    let example = shell
        .lines()
        .find_map(|l| l.trim().strip_prefix("terraform import "))
        .and_then(|rest| rest.split_once(' '))
        .map(|(addr, raw)| (addr.trim(), raw.trim().trim_matches('"')));
    if let Some((addr, raw)) = example {
        let values: Vec<&str> = raw.split('/').collect();
        if values.len() == id.attributes.len() {
            let width = id
                .attributes
                .iter()
                .map(|(n, _)| n.len())
                .max()
                .unwrap_or(0);
            let _ = writeln!(
                s,
                "In Terraform 1.12 and later, an `import` block can name the object by its identity:\n\n```terraform\nimport {{\n  to = {addr}\n  identity = {{"
            );
            for ((name, _), v) in id.attributes.iter().zip(values) {
                let _ = writeln!(s, "    {name:<width$} = \"{v}\"");
            }
            let _ = writeln!(s, "  }}\n}}\n```\n");
        }
    }
    let _ = writeln!(s, "### Identity Schema\n\n#### Required\n");
    for (name, description) in &id.attributes {
        let ty = schema
            .block
            .attribute(name)
            .map(|a| type_label(&a.value_type()))
            .unwrap_or_default();
        let _ = writeln!(s, "- `{name}` ({ty}) {description}");
    }
    s
}

fn type_label(t: &Type) -> String {
    match t {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_label(e)),
        Type::Set(e) => format!("Set of {}", type_label(e)),
        Type::Map(e) => format!("Map of {}", type_label(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

fn nesting_label(n: Nesting, block: bool) -> &'static str {
    match (n, block) {
        (Nesting::Single | Nesting::Group, false) => "Attributes",
        (Nesting::List, false) => "Attributes List",
        (Nesting::Set, false) => "Attributes Set",
        (Nesting::Map, false) => "Attributes Map",
        (Nesting::Single | Nesting::Group, true) => "Block",
        (Nesting::List, true) => "Block List",
        (Nesting::Set, true) => "Block Set",
        (Nesting::Map, true) => "Block Map",
    }
}

type Pending = Vec<(String, String, Block)>;

type AttrFilter = fn(&Attribute) -> bool;

fn write_block(s: &mut String, block: &Block, prefix: &str, nested: &mut Pending) {
    let groups: [(&str, AttrFilter); 3] = [
        ("Required", |a| a.mode == Mode::Required),
        ("Optional", |a| {
            matches!(a.mode, Mode::Optional | Mode::OptionalComputed)
        }),
        ("Read-Only", |a| a.mode == Mode::Computed),
    ];
    for (title, pick) in groups {
        let mut items: Vec<String> = block
            .attributes
            .iter()
            .filter(|a| pick(a))
            .map(|a| attr_line(a, prefix, nested))
            .collect();
        if title == "Optional" {
            items.extend(block.blocks.iter().map(|b| block_line(b, prefix, nested)));
        }
        if items.is_empty() {
            continue;
        }
        items.sort();
        let _ = writeln!(s, "### {title}\n");
        for i in items {
            let _ = writeln!(s, "{i}");
        }
        let _ = writeln!(s);
    }
}

fn anchor(kind: &str, prefix: &str, name: &str) -> String {
    format!("{kind}--{}{name}", prefix.replace('.', "--"))
}

fn attr_line(a: &Attribute, prefix: &str, nested: &mut Pending) -> String {
    let mut flags = Vec::new();
    let (label, link) = match &a.kind {
        AttrKind::Typed(t) => (type_label(t), None),
        AttrKind::Nested(n, attrs) => {
            let id = anchor("nestedatt", prefix, &a.name);
            nested.push((
                id.clone(),
                format!("{prefix}{}", a.name),
                Block {
                    attributes: attrs.clone(),
                    ..Block::default()
                },
            ));
            (nesting_label(*n, false).to_owned(), Some(id))
        }
    };
    flags.push(label);
    if a.sensitive {
        flags.push("Sensitive".into());
    }
    if a.write_only {
        flags.push(
            "[Write-only](https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments)"
                .into(),
        );
    }
    if a.deprecation.is_some() {
        flags.push("Deprecated".into());
    }
    let mut line = format!("- `{}` ({})", a.name, flags.join(", "));
    let desc = a.description.trim().replace('\n', " ");
    if !desc.is_empty() {
        line.push(' ');
        line.push_str(&desc);
    }
    if let Some(d) = &a.default {
        let shown = match d {
            crate::protocol::value::Value::String(s) => format!("`\"{s}\"`"),
            crate::protocol::value::Value::Bool(b) => format!("`{b}`"),
            crate::protocol::value::Value::Number(n) => format!("`{n}`"),
            _ => "set".to_owned(),
        };
        line.push_str(&format!(" Defaults to {shown}."));
    }
    if a.forces_replacement() && !desc.to_lowercase().contains("forces") {
        line.push_str(" Changing this forces a new resource.");
    }
    if let Some(id) = link {
        line.push_str(&format!(" (see [below for nested schema](#{id}))"));
    }
    line
}

fn block_line(b: &NestedBlock, prefix: &str, nested: &mut Pending) -> String {
    let id = anchor("nestedblock", prefix, &b.name);
    nested.push((id.clone(), format!("{prefix}{}", b.name), b.block.clone()));
    let mut label = nesting_label(b.nesting, true).to_owned();
    if b.min_items > 0 {
        label.push_str(&format!(", Min: {}", b.min_items));
    }
    if b.max_items > 0 {
        label.push_str(&format!(", Max: {}", b.max_items));
    }
    let desc = b.block.description.trim().replace('\n', " ");
    let mut line = format!("- `{}` ({label})", b.name);
    if !desc.is_empty() {
        line.push(' ');
        line.push_str(&desc);
    }
    line.push_str(&format!(" (see [below for nested schema](#{id}))"));
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attribute, NestedBlock};

    #[test]
    fn nested_schemas_defaults_and_replacement_are_documented() {
        let schema = Schema::new("A thing.\n\nMore words.")
            .attr(
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .description("The name."),
            )
            .attr(
                Attribute::bool("protect")
                    .default(false)
                    .description("Protect it."),
            )
            .attr(
                Attribute::string("pem")
                    .computed()
                    .sensitive()
                    .description("The PEM."),
            )
            .attr(
                Attribute::nested(
                    "subject",
                    Nesting::Single,
                    vec![Attribute::string("cn").required().description("CN.")],
                )
                .required()
                .description("Subject."),
            )
            .block(
                NestedBlock::new(
                    "rule",
                    Nesting::List,
                    Block::new().attr(Attribute::number("n").optional().description("N.")),
                )
                .items(0, 2),
            );
        let input = DocsInput {
            provider: "toy",
            provider_schema: &Schema::new("Toy."),
            resources: vec![("toy_thing", schema)],
            data_sources: vec![],
            ephemeral_resources: vec![("toy_secret", Schema::new("A secret."))],
            functions: vec![(
                "shout",
                Definition::new("Upper-cases a string.", Type::String).param(
                    crate::framework::function::Parameter::new("text", Type::String)
                        .description("The text."),
                ),
            )],
            actions: vec![("toy_poke", Schema::new("Pokes."))],
            list_resources: vec![("toy_thing", Schema::new("Finds things."))],
            identities: vec![],
            examples: Path::new("/nonexistent"),
        };
        let pages = render(&input);
        let page = &pages["resources/thing.md"];
        for needle in [
            "page_title: \"toy_thing Resource - toy\"",
            "description: |-\n  A thing.\n---",
            "- `name` (String) The name. Changing this forces a new resource.",
            "- `protect` (Boolean) Protect it. Defaults to `false`.",
            "- `pem` (String, Sensitive) The PEM.",
            "- `subject` (Attributes) Subject. (see [below for nested schema](#nestedatt--subject))",
            "- `rule` (Block List, Max: 2) (see [below for nested schema](#nestedblock--rule))",
            "### Nested Schema for `subject`\n\n### Required\n\n- `cn` (String) CN.",
        ] {
            assert!(page.contains(needle), "missing {needle:?} in:\n{page}");
        }
        assert!(pages.contains_key("index.md"));
        assert!(
            pages["ephemeral-resources/secret.md"].contains("# toy_secret (Ephemeral Resource)")
                && pages["actions/poke.md"].contains("# toy_poke (Action)")
                && pages["list-resources/thing.md"].contains("# toy_thing (List Resource)")
        );
        let f = &pages["functions/shout.md"];
        for needle in [
            "page_title: \"shout function - toy\"",
            "# function: shout",
            "```text\nshout(text string) string\n```",
            "1. `text` (String) The text.",
        ] {
            assert!(f.contains(needle), "missing {needle:?} in:\n{f}");
        }
    }

    #[test]
    fn identity_import_block_from_the_shell_example() {
        let schema = Schema::new("d")
            .attr(Attribute::string("group").required().description("G."))
            .attr(Attribute::string("serial").computed().description("S."));
        let id = Identity::new()
            .attr("group", "The group.")
            .attr("serial", "The serial.");
        let out = identity_import(
            "# comment\nterraform import toy_thing.x \"g1/0a:0b\"\n",
            &id,
            &schema,
        );
        assert!(out.contains("  to = toy_thing.x\n"), "{out}");
        assert!(
            out.contains("    group  = \"g1\"\n    serial = \"0a:0b\"\n"),
            "{out}"
        );
        assert!(out.contains("- `serial` (String) The serial."), "{out}");
        // An id that does not split into the identity's parts: the schema only.
        let out = identity_import("terraform import toy_thing.x g1\n", &id, &schema);
        assert!(!out.contains("import {"), "{out}");
        assert!(out.contains("### Identity Schema"), "{out}");
    }
}
