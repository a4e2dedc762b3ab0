# <parent ca_tag>/<serial_number>
terraform import pca_sub_ca_cert.issuing "1a2b3c4d-5e6f7a8b/2b:9c:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20"
