# The issuing CA's chain, for a server's trust bundle.
data "pca_ca_chain" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

resource "local_file" "bundle" {
  filename = "${path.module}/ca-bundle.pem"
  content  = data.pca_ca_chain.issuing.chain_pem
}
