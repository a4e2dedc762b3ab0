# Real runs: each `run` applies the module against the API the environment points at
# (PCA_ENDPOINT, NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY: a pca-emulator), and `terraform test`
# destroys everything at the end.

variables {
  name  = "modtest"
  hosts = ["api.modtest.example", "www.modtest.example"]
}

run "builds_the_pki" {
  assert {
    condition     = pca_ca.root.status == "ACTIVE" && pca_ca.issuing.status == "ACTIVE"
    error_message = "both CAs should be active"
  }

  assert {
    condition     = startswith(output.server_certificate_pem, "-----BEGIN CERTIFICATE-----")
    error_message = "the server certificate should be PEM"
  }

  assert {
    condition     = pca_end_cert.server.subject.common_name == "api.modtest.example"
    error_message = "the first host is the common name"
  }

  assert {
    condition     = length(regexall("BEGIN CERTIFICATE", output.server_fullchain_pem)) == 3
    error_message = "the full chain is the leaf, the issuing CA and the root"
  }
}

run "a_new_host_replaces_only_the_certificate" {
  variables {
    hosts = ["api.modtest.example", "www.modtest.example", "admin.modtest.example"]
  }

  assert {
    condition     = output.issuing_ca_tag == run.builds_the_pki.issuing_ca_tag
    error_message = "the issuing CA must survive a host change"
  }

  assert {
    condition     = contains(pca_end_cert.server.alt_names, "admin.modtest.example")
    error_message = "the new host should be in the certificate"
  }
}
