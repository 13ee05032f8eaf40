module 6.5840

go 1.19
