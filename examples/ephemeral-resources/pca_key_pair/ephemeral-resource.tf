# A key made in the provider's memory for every plan and apply; never in state or plan files.
ephemeral "pca_key_pair" "web" {
  key_type = "EC256"
  subject = {
    common_name  = "web.corp.example"
    organization = "Example Corp"
  }
  alt_names    = ["web.corp.example"]
  ip_addresses = ["10.0.0.10"]
}

# Hand ephemeral.pca_key_pair.web.private_key_pem and .csr_pem only to write-only
# arguments, provisioners or other ephemeral resources: they then never reach state.
