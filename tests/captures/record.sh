#!/usr/bin/env bash
# Record the captures in this directory (needs root, iproute2, nft, tcpdump,
# dumpcap, tshark and tcprewrite; about 20 s). The analyser's tests read the committed
# files; run this again only to replace them.
#
# Two network namespaces of our own, tca-c (client) and tca-s (server),
# joined by a veth pair:
#
#   tca-c0 (in tca-c)  10.99.0.1/24  fd99::1/64  02:99:00:00:00:01
#   tca-s0 (in tca-s)  10.99.0.2/24  fd99::2/64  02:99:00:00:00:02
#
# Traffic stays between these addresses. Everything is removed at the end,
# or on the way out if a step fails. This kernel has neither the 8021q
# module nor VLAN-filtering bridges, so the VLAN tags of vlan-blackhole.pcap
# are added afterwards by tcprewrite (Debian's tcpreplay package).
#
# Files:
#   sll2-short.pcap         tcpdump -i any in tca-s (Linux cooked v2),
#                           snapshot length 96: a short IPv4 exchange whose
#                           payloads are cut
#   sll-refused.pcap        tcpdump -i any -y LINUX_SLL in tca-s (Linux
#                           cooked v1): a SYN to a port nobody listens on
#   ipv6-keepalive.pcapng   dumpcap on tca-s0: IPv6, the client's keepalive
#                           probes (idle 1 s, interval 1 s) and the answers
#   vlan-blackhole.pcap     tcpdump on tca-s0, then tcprewrite
#                           --enet-vlan=add (802.1Q tag 10 on every frame):
#                           IPv6; the client is cut off by nft and the
#                           server retransmits into silence
#   synack-lost.pcap        tcpdump on tca-s0: IPv4; the client is cut off
#                           before it connects, so the server's SYN-ACKs
#                           never reach it
#   keepalive-peer-dead.pcapng, kill-from-outside.pcapng
#                           tshark -F pcapng of the kernel recordings
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
root=$(cd ../.. && pwd)
C=tca-c
S=tca-s
pids=()
tmp=$(mktemp -d)

cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for ns in "$C" "$S"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
cleanup
tmp=$(mktemp -d)

if [ "$(id -u)" -ne 0 ]; then
    echo "record.sh: needs root (network namespaces)" >&2
    exit 1
fi

for ns in "$C" "$S"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
done
ip link add tca-c0 netns "$C" address 02:99:00:00:00:01 type veth peer name tca-s0 netns "$S" address 02:99:00:00:00:02
ip -n "$C" addr add 10.99.0.1/24 dev tca-c0
ip -n "$S" addr add 10.99.0.2/24 dev tca-s0
ip -n "$C" addr add fd99::1/64 dev tca-c0 nodad
ip -n "$S" addr add fd99::2/64 dev tca-s0 nodad
ip -n "$C" link set tca-c0 up
ip -n "$S" link set tca-s0 up

# Start a capture in namespace $1; its pid is in $cap.
capture() {
    ip netns exec "$1" "${@:2}" >"$tmp/capture.log" 2>&1 &
    cap=$!
    pids+=("$cap")
    sleep 1.5
}
stop() {
    # With TPACKET_V3, packets reach tcpdump when their ring block retires
    # (up to a second later); stopping sooner loses them.
    sleep 1.5
    kill -INT "$cap" 2>/dev/null || true
    wait "$cap" 2>/dev/null || true
    cat "$tmp/capture.log"
}
peer() {
    ip netns exec "$1" python3 "$here/peer.py" "${@:2}" &
    pids+=("$!")
}

echo "record.sh: sll2-short.pcap"
capture "$S" tcpdump -i any -y LINUX_SLL2 -n -U -s 96 -w "$here/sll2-short.pcap" tcp port 8081
peer "$S" server 10.99.0.2 8081 short
sleep 0.3
ip netns exec "$C" python3 "$here/peer.py" client 10.99.0.2 8081 short
sleep 0.5
stop

echo "record.sh: sll-refused.pcap"
capture "$S" tcpdump -i any -y LINUX_SLL -n -U -w "$here/sll-refused.pcap" tcp port 8084
ip netns exec "$C" python3 "$here/peer.py" client 10.99.0.2 8084 refused
stop

echo "record.sh: ipv6-keepalive.pcapng"
capture "$S" dumpcap -q -i tca-s0 -f "tcp port 8082" -w "$here/ipv6-keepalive.pcapng"
peer "$S" server fd99::2 8082 keepalive
sleep 0.3
ip netns exec "$C" python3 "$here/peer.py" client fd99::2 8082 keepalive
sleep 0.5
stop

blackhole() {
    ip netns exec "$C" nft -f - <<NFT
table inet tca_blackhole {
    chain input {
        type filter hook input priority -400; policy accept;
        tcp sport $1 drop
    }
}
NFT
}

echo "record.sh: vlan-blackhole.pcap"
capture "$S" tcpdump -i tca-s0 -n -U -w "$tmp/blackhole.pcap" tcp port 8083
peer "$S" server fd99::2 8083 blackhole
sleep 0.3
peer "$C" client fd99::2 8083 blackhole
# Once the connection is up (and before the server writes, 0.5 s after
# accepting), the client stops hearing the server.
for _ in $(seq 50); do
    if ip netns exec "$C" ss -Htn state established '( dport = :8083 )' | grep -q .; then
        break
    fi
    sleep 0.02
done
blackhole 8083
sleep 5
stop
tcprewrite --enet-vlan=add --enet-vlan-tag=10 --enet-vlan-cfi=0 --enet-vlan-pri=0 \
    -i "$tmp/blackhole.pcap" -o "$here/vlan-blackhole.pcap"

echo "record.sh: synack-lost.pcap"
# The client hears nothing from the start: the SYN-ACKs never reach it.
ip netns exec "$C" nft delete table inet tca_blackhole
blackhole 8085
capture "$S" tcpdump -i tca-s0 -n -U -w "$here/synack-lost.pcap" tcp port 8085
peer "$S" server 10.99.0.2 8085 short
sleep 0.3
peer "$C" client 10.99.0.2 8085 short
sleep 4
stop

echo "record.sh: pcapng copies of two kernel recordings"
for name in keepalive-peer-dead kill-from-outside; do
    tshark -r "$root/tests/kernel/fixtures/$name.pcap" -F pcapng -w "$here/$name.pcapng" 2>/dev/null
done
chmod 644 "$here"/*.pcap "$here"/*.pcapng
ls -l "$here"/*.pcap "$here"/*.pcapng
