# The issuing CA's chain, for a server's trust bundle.
data "pca_ca_chain" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

output "ca_bundle" {
  value = data.pca_ca_chain.issuing.chain_pem
}
