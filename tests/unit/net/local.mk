# unit tests of src/net
