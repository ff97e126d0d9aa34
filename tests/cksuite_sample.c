/* placeholder */ typedef int cksuite_sample_placeholder;
