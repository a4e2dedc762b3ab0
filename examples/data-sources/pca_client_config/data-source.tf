# Which API and access key is this run using? (The secret key is never exposed.)
data "pca_client_config" "current" {}

output "pca_api" {
  value = "${data.pca_client_config.current.api_url} as ${data.pca_client_config.current.access_key} (from ${data.pca_client_config.current.credential_source})"
}
