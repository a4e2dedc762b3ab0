terraform import pca_ca_user.deployer "1a2b3c4d-5e6f7a8b/6e4c1234-5678-90ab-cdef-1234567a9baa"
