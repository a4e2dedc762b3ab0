# Mocked runs (Terraform 1.7+): no API and no credentials. Terraform makes up the computed
# values, except those given here; the provider still supplies the schema.

mock_provider "pca" {
  mock_resource "pca_ca" {
    defaults = {
      ca_tag   = "mock-ca-tag"
      status   = "ACTIVE"
      chain_pem = "-----BEGIN CERTIFICATE-----\nMOCKCHAIN\n-----END CERTIFICATE-----\n"
    }
  }

  mock_resource "pca_end_cert" {
    defaults = {
      certificate_pem = "-----BEGIN CERTIFICATE-----\nMOCKLEAF\n-----END CERTIFICATE-----\n"
    }
  }
}

variables {
  name  = "mocked"
  hosts = ["api.mocked.example"]
}

run "wires_the_issuing_ca_into_the_certificate" {
  assert {
    condition     = pca_end_cert.server.ca_tag == pca_ca.issuing.ca_tag
    error_message = "the certificate must be issued by the issuing CA"
  }

  assert {
    condition     = pca_ca.issuing.issuer_ca_tag == pca_ca.root.ca_tag
    error_message = "the issuing CA must be signed by the root"
  }

  assert {
    condition     = pca_ca.root.alias == "mocked-root" && pca_ca.issuing.alias == "mocked-issuing"
    error_message = "aliases are prefixed with the name"
  }

  assert {
    condition     = output.server_fullchain_pem == "-----BEGIN CERTIFICATE-----\nMOCKLEAF\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMOCKCHAIN\n-----END CERTIFICATE-----\n"
    error_message = "the full chain is the leaf followed by the issuing CA's chain"
  }
}

run "rejects_an_empty_host_list" {
  command = plan

  variables {
    hosts = []
  }

  expect_failures = [var.hosts]
}
