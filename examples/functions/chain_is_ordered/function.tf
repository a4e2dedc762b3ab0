variable "fullchain_pem" {
  type        = string
  description = "A certificate followed by its issuers, e.g. join(\"\", [pca_end_cert.web.certificate_pem, pca_end_cert.web.chain_pem])."

  validation {
    condition     = provider::pca::chain_is_ordered(var.fullchain_pem)
    error_message = "The bundle must run leaf first, each certificate followed by its issuer."
  }
}
