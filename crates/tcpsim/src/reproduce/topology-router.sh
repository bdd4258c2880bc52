# The middlebox routes between two veth links; every host keeps its
# address (/32 routes through 10.0.0.4).
mk_ns m
in_ns m sysctl -qw net.ipv4.ip_forward=1
via_router() { # NAME ADDRESS MAC ROUTER_MAC PEER_ADDRESS
  mk_ns "$1"
  ip link add "v-$1" netns "$P-$1" address "$3" type veth peer name "m-$1" netns "$P-m" address "$4"
  in_ns "$1" ip addr add "$2/32" dev "v-$1"
  in_ns "$1" ip link set "v-$1" up
  in_ns "$1" ip route add 10.0.0.4/32 dev "v-$1"
  in_ns "$1" ip route add "$5/32" via 10.0.0.4 dev "v-$1"
  in_ns m ip addr add 10.0.0.4/32 dev "m-$1"
  in_ns m ip link set "m-$1" up
  in_ns m ip route add "$2/32" dev "m-$1"
}
via_router c 10.0.0.1 02:00:00:00:00:01 02:00:00:00:00:04 10.0.0.2
via_router s 10.0.0.2 02:00:00:00:00:02 02:00:00:00:00:14 10.0.0.1
in_ns m nft -f - <<'NFT'
table inet tclr_mbox {
  chain flows { type filter hook forward priority 0; policy accept; ct state invalid meta l4proto tcp @ACTION@; }
}
NFT
# conntrack's sysctls exist once the table above has loaded it.
in_ns m sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
in_ns m sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=@IDLE@
