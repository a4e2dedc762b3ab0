# A client certificate for this run only: issued when Terraform opens it, revoked when the
# run ends. Neither the certificate nor its key is ever written to state or a plan file.
ephemeral "pca_end_cert" "client" {
  ca_tag   = pca_ca.issuing.ca_tag
  key_type = "EC256"
  subject = {
    common_name  = "terraform-run.corp.example"
    organization = "Example Corp"
  }
  validity_days = 1 # the default
}

# Ephemeral values may go to another provider's configuration (mTLS into a service whose
# provider takes a client certificate and key as PEM), to write-only arguments,
# provisioners, locals, other ephemeral resources and provider functions:
locals {
  client_serial = provider::pca::parse_certificate(ephemeral.pca_end_cert.client.certificate_pem).serial_number
}
