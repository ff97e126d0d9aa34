-- endless.lua — a script that never ends: the sandbox's instruction budget must stop it
-- (make check-memcheck runs it under valgrind to check that path for leaks).
local n = 0
while true do n = n + 1 end
