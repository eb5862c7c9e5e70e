// «Общие собрания»: choosing an item's topic (ст. 17 ч. 1) sets its majority and the owners' vote to
// what «Правила общего собрания» say for it; the form still checks both on the server.
(function () {
  "use strict";
  var data = document.getElementById("meeting-rules");
  if (!data) {
    return;
  }
  var rules = JSON.parse(data.textContent);
  document.addEventListener("change", function (event) {
    var match = /^(items-\d+)-topic$/.exec(event.target.name || "");
    if (!match || !rules[event.target.value]) {
      return;
    }
    var rule = rules[event.target.value];
    var majority = document.querySelector('[name="' + match[1] + '-majority"]');
    var owners = document.querySelector('[name="' + match[1] + '-owners_vote"]');
    if (majority) {
      majority.value = rule[0];
    }
    if (owners) {
      owners.checked = rule[1];
    }
  });
})();
