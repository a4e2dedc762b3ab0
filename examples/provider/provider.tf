terraform {
  required_providers {
    pca = {
      source = "ncloud-community/pca"
    }
  }
}

# Credentials come from the environment (NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY) or from
# ~/.ncloud/configure when the block leaves them out.
provider "pca" {
  site        = "public"
  max_retries = 5
}

# Against a local pca-emulator instead:
#
# provider "pca" {
#   endpoint   = "http://127.0.0.1:8700"
#   access_key = "..."
#   secret_key = "..."
# }
