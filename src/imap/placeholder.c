typedef int fct_placeholder_imap;
