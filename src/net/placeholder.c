typedef int fct_placeholder_net;
