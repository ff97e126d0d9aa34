// third_party/plotly-partial/entry.js — the entry of the partial plotly.js
// bundle embedded in the page of flowsim report --html: plotly's core (which
// carries the scatter trace and the components: legend, hover, modebar,
// toImage, annotations, shapes, ...) and the Sankey trace, the only trace types
// flowsim/report.js draws. Built by build.sh; nothing in libflow's build runs it.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/scatter'),
    require('plotly.js/lib/sankey')
]);

module.exports = Plotly;
