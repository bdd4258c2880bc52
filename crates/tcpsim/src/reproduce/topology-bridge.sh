mk_ns b
in_ns b ip link add br0 type bridge
in_ns b ip link set br0 up
# A host on the bridge: NAME ADDRESS MAC. Every port floods every frame
# (learning off), like a hub.
on_bridge() {
  mk_ns "$1"
  ip link add "v-$1" netns "$P-$1" address "$3" type veth peer name "b-$1" netns "$P-b"
  in_ns "$1" ip addr add "$2/24" dev "v-$1"
  in_ns "$1" ip link set "v-$1" up
  in_ns b ip link set "b-$1" master br0
  in_ns b bridge link set dev "b-$1" learning off flood on
  in_ns b ip link set "b-$1" up
}
on_bridge c 10.0.0.1 02:00:00:00:00:01
on_bridge s 10.0.0.2 02:00:00:00:00:02
