# Terraform 1.14 and later. Run it at any time:
#   terraform apply -invoke=action.pca_rotate_crl.issuing
action "pca_rotate_crl" "issuing" {
  config {
    ca_tag = pca_ca.issuing.ca_tag
  }
}

# Or let Terraform run it: publish a fresh CRL after every new certificate, so a
# replaced one (revoked on destroy) is listed at once.
resource "pca_end_cert" "web" {
  ca_tag   = pca_ca.issuing.ca_tag
  key_type = "EC256"
  subject = {
    common_name = "web.corp.example"
  }

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.pca_rotate_crl.issuing]
    }
  }
}
