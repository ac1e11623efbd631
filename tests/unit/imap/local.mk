# unit tests of src/imap
