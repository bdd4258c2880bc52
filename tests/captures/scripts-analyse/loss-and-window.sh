#!/bin/bash
# How tests/captures/loss-sack-recovery.pcap and zero-window.pcap were
# recorded (Linux 6.18.44, as root, in two network namespaces joined by a
# veth pair; run by hand, not by the tests). NS is a name prefix of yours.
set -e
NS=${NS:-tcla-$$}
ip netns add ${NS}a; ip netns add ${NS}b
ip link add va type veth peer name vb
ip link set va netns ${NS}a; ip link set vb netns ${NS}b
ip -n ${NS}a addr add 10.77.0.1/24 dev va; ip -n ${NS}b addr add 10.77.0.2/24 dev vb
ip -n ${NS}a link set va up; ip -n ${NS}b link set vb up
# One segment in 15 (by chance) of what 10.77.0.1 sends is dropped as it
# reaches 10.77.0.2: after the sender's capture point, so a capture on va
# holds the lost segment, the receiver's duplicate ACKs and the resends.
ip -n ${NS}a link set dev va gso_max_segs 1
ip netns exec ${NS}b nft add table inet t
ip netns exec ${NS}b nft add chain inet t p '{ type filter hook prerouting priority -300; }'
ip netns exec ${NS}b nft add rule inet t p ip saddr 10.77.0.1 meta length gt 1000 numgen random mod 15 eq 0 drop
ip netns exec ${NS}b python3 -c "
import socket
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1); s.bind(('10.77.0.2',9000)); s.listen(1)
c,_=s.accept()
while c.recv(65536): pass
c.close()" &
sleep 0.3
ip netns exec ${NS}a timeout 20 tcpdump -i va -s 80 -w loss-sack-recovery.pcap tcp port 9000 &
sleep 1
ip netns exec ${NS}a python3 -c "
import socket,time
c=socket.create_connection(('10.77.0.2',9000))
for i in range(6):
    c.sendall(b'x'*30000); time.sleep(0.05)
c.close()"
sleep 4; wait
ip netns exec ${NS}b nft flush ruleset
# A receiver with a 4 KB buffer that reads only after 1.5 s.
ip netns exec ${NS}b python3 -c "
import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096); s.bind(('10.77.0.2',9001)); s.listen(1)
c,_=s.accept(); time.sleep(1.5)
while c.recv(1000): time.sleep(0.001)
c.close()" &
sleep 0.3
ip netns exec ${NS}a timeout 12 tcpdump -i va -s 80 -w zero-window.pcap tcp port 9001 &
sleep 1
ip netns exec ${NS}a python3 -c "
import socket
c=socket.create_connection(('10.77.0.2',9001)); c.sendall(b'x'*40000); c.close()"
sleep 9; wait
ip netns del ${NS}a; ip netns del ${NS}b
