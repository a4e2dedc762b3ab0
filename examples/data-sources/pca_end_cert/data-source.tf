# A certificate issued outside this configuration (no private key is ever returned).
data "pca_end_cert" "legacy" {
  ca_tag        = pca_ca.issuing.ca_tag
  serial_number = "3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20"
}

output "legacy_cert" {
  value = {
    common_name = data.pca_end_cert.legacy.common_name
    not_after   = data.pca_end_cert.legacy.not_after
    revoked     = data.pca_end_cert.legacy.revoked
  }
}
