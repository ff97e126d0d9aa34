-- tests/html_models/loop.lua — a model with a loop of three processes, a stock,
-- a capacity overflow and names that hold HTML (quotes, <, </script>,
-- non-ASCII), for tests/html.sh: the page must draw the loop and show the
-- names as text, never as markup or script.
local flow = require "flow"

local m = flow.model { name = "loop <b>\"bold\" &amp;", years = { 2020, 2023 } }

m:material("glass", "domestic")
m:material("</script><script>document.title='pwned'</script>", "product")

m:param("gen", flow.linear { [2020] = 1000, [2023] = 1600 }, { unit = "t/a" })
m:param("cap", flow.step { [2020] = 500, [2022] = 2000 }, { unit = "t/a" })

m:process("città <img src=x onerror=\"document.title='pwned'\">", "source",
          { generation = { glass = "gen", ["</script><script>document.title='pwned'</script>"] = "gen" } })
m:process("sorting & 分拣", "split")
m:process("wash", "split")
m:process("remelt", "split")
m:process("furnace", "sink", { capacity = "cap", overflow = "dump" })
m:process("dump", "stock")

m:flow("città <img src=x onerror=\"document.title='pwned'\">", "sorting & 分拣", "rest")
m:flow("sorting & 分拣", "wash", { share = 0.6, material = "glass" })
m:flow("sorting & 分拣", "furnace", "rest")
m:flow("wash", "remelt", { share = 0.5, material = "glass" })
m:flow("wash", "furnace", "rest")
m:flow("remelt", "sorting & 分拣", "rest")   -- the loop: sorting -> wash -> remelt -> sorting

m:indicator("dumped", flow.sum { to = "dump" }, { unit = "t/a" })
m:target("dumped", 2023, "<=", 100, { source = "<i>test</i>" })

return m
