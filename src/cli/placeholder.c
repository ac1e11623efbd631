typedef int fct_placeholder_cli;
