variable "csr_pem" {
  type        = string
  description = "A PEM certificate signing request."
}

locals {
  csr = provider::pca::parse_csr(var.csr_pem)
}

# Check the CSR before the CA signs it.
resource "terraform_data" "csr_check" {
  input = local.csr.subject.common_name
  lifecycle {
    precondition {
      condition     = local.csr.signature_valid && contains(["EC256", "RSA2048", "RSA4096", "EC521"], coalesce(local.csr.key_type, "none"))
      error_message = "The CSR must be self-signed with a key type the CA accepts."
    }
    precondition {
      condition     = alltrue([for n in local.csr.dns_names : endswith(n, ".corp.example")])
      error_message = "The CSR may only ask for names under corp.example."
    }
  }
}
