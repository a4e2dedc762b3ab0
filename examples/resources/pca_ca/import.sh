terraform import pca_ca.root 1a2b3c4d-5e6f7a8b
