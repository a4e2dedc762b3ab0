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

# ephemeral.pca_key_pair.web.csr_pem goes to pca_end_cert's write-only csr_pem_wo, and
# ephemeral.pca_key_pair.web.private_key_pem to a write-only argument of whatever stores or
# uses the key (see the pca_end_cert docs for the whole pattern).
