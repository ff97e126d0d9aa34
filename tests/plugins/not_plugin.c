/*
 * not_plugin.c — a valid shared object without the flow_plugin_entry
 * symbol: refused as "not a libflow plugin".
 */
int not_plugin_answer(void);
int not_plugin_answer(void)
{
    return 42;
}
