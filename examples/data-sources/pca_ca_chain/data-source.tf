# The issuing CA's chain, for a server's trust bundle.
data "pca_ca_chain" "issuing" {
  ca_tag = pca_ca.issuing.ca_tag
}

output "ca_bundle" {
  value = data.pca_ca_chain.issuing.chain_pem
}

# A full chain for a server: its certificate (pca_end_cert keeps no chain by default)
# followed by the issuing CA's chain.
# output "fullchain_pem" {
#   value = "${pca_end_cert.web.certificate_pem}${data.pca_ca_chain.issuing.chain_pem}"
# }
