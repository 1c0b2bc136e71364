// Paying inside WeChat (JSAPI): hand the signed parameters to WeChat's own payment sheet, then
// go to the return page, which asks WeChat Pay whether the order is paid (the sheet's answer
// proves nothing by itself).
(function () {
  "use strict";
  var section = document.getElementById("wechatpay-jsapi");
  var data = document.getElementById("wechat-bridge");
  var button = document.getElementById("wechatpay-open");
  if (!section || !data || !button) {
    return;
  }
  var parameters = JSON.parse(data.textContent);
  var paidUrl = section.getAttribute("data-paid-url");

  function pay() {
    if (typeof window.WeixinJSBridge === "undefined") {
      return false;
    }
    window.WeixinJSBridge.invoke("getBrandWCPayRequest", parameters, function (result) {
      if (result && result.err_msg === "get_brand_wcpay_request:ok") {
        window.location.assign(paidUrl);
      }
    });
    return true;
  }

  button.addEventListener("click", pay);
  if (!pay()) {
    document.addEventListener("WeixinJSBridgeReady", pay, false);
  }
})();
