# A CA-signed certificate whose private key never enters Terraform state or a plan file
# (Terraform 1.11 or later):
#
#   1. ephemeral "pca_key_pair" makes the key and a CSR in the provider's memory, at every
#      plan and apply;
#   2. pca_end_cert signs the CSR of the apply through the write-only csr_pem_wo;
#   3. the key goes to AWS Secrets Manager through the write-only secret_string_wo.
#
# Both write-only arguments carry a version: bump csr_version to rotate the key and the
# certificate together at the next apply. Until then, plans are empty even though every
# run makes a fresh (unused) key in memory.

terraform {
  required_version = ">= 1.11"
  required_providers {
    pca = {
      source = "ncloud-community/pca"
    }
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.87"
    }
  }
}

variable "ca_tag" {
  type        = string
  description = "The issuing CA."
}

variable "csr_version" {
  type        = number
  default     = 1
  description = "Bump to rotate the key and re-issue the certificate."
}

ephemeral "pca_key_pair" "db" {
  key_type = "EC256"
  subject = {
    common_name  = "db.corp.example"
    organization = "Example Corp"
  }
  alt_names = ["db.corp.example"]
}

resource "pca_end_cert" "db" {
  ca_tag             = var.ca_tag
  csr_pem_wo         = ephemeral.pca_key_pair.db.csr_pem
  csr_pem_wo_version = var.csr_version
  validity_days      = 90
}

resource "aws_secretsmanager_secret" "db_key" {
  name = "db.corp.example/tls-key"
}

resource "aws_secretsmanager_secret_version" "db_key" {
  secret_id                = aws_secretsmanager_secret.db_key.id
  secret_string_wo         = ephemeral.pca_key_pair.db.private_key_pem
  secret_string_wo_version = var.csr_version
}

# The certificate is public: state and outputs may hold it.
output "certificate_pem" {
  value = pca_end_cert.db.certificate_pem
}
