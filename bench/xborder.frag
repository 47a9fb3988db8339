# bench/xborder.frag - the xborder gateway for the shared benchmark harness
# (../shared/bench/run.sh --extra xborder=bench/xborder.frag; driven by
# scripts/bench-gateway.sh, which exports the three variables used below).
#
# Full default catalogs (rules/catalogs) and the demo policy
# (config/policy.xml). The load runs as the exporter mobility-lab sending to
# us-analytics: its contract covers contact, basic profile and vehicle data,
# everything else is masked and every transfer is watermarked - the full
# path (stream-classify, count, decide, mask, watermark, rewrite the body).
# The harness's probes with "X-Dest-Region: overseas" run as grid-power, a
# critical information infrastructure operator without an assessment, so
# every body with personal information is blocked (451).
# @main
load_module @@ENV:XBORDER_MODULE@@;
# @http
xborder_rules @@ENV:XBORDER_ROOT@@/rules/catalogs;
xborder_policy @@ENV:XBORDER_ROOT@@/config/policy.xml;
xborder_watermark_key @@ENV:XBORDER_WM_KEY@@;
map $http_x_dest_region $xborder_bench_key {
    overseas demo-grid-5c07aa;
    default  demo-mobility-93bb10;
}
map $http_x_dest_region $xborder_bench_recipient {
    overseas sg-cloud;
    default  us-analytics;
}
map $xborder_bench_recipient $xborder_bench_country {
    sg-cloud SG;
    default  US;
}
# @location
xborder on;
xborder_exporter $xborder_bench_key;
xborder_recipient $xborder_bench_recipient;
xborder_destination_country $xborder_bench_country;
