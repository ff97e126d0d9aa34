local d = require "debug"; return d.getregistry()
