# The intermediate CA's ca_tag.
terraform import pca_sub_ca_activation.external 1a2b3c4d-5e6f7a8b
