// IMD-7.2: the annual figures' charts (ECharts, vendored), drawn from the page's JSON data block.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("annual-data").textContent);
  var types = Object.keys(data.cases_by_type);
  echarts.init(document.getElementById("chart-types")).setOption({
    tooltip: {}, grid: {left: 40, right: 10, bottom: 60},
    xAxis: {type: "category", data: types, axisLabel: {interval: 0, rotate: 30}},
    yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: types.map(function (k) { return data.cases_by_type[k]; }), itemStyle: {color: "#1d4f91"}}]
  });
  echarts.init(document.getElementById("chart-months")).setOption({
    tooltip: {}, grid: {left: 40, right: 10, bottom: 30},
    xAxis: {type: "category", data: ["1月","2月","3月","4月","5月","6月","7月","8月","9月","10月","11月","12月"]},
    yAxis: {type: "value", minInterval: 1},
    series: [{type: "line", data: data.penalty_decisions_by_month, itemStyle: {color: "#d63939"}}]
  });
})();
