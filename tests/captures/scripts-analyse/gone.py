#!/usr/bin/env python3
"""Two real exchanges on Linux, in namespaces NSa (10.77.0.1) and NSb (10.77.0.2).
fin: A closes (FIN); with tcp_fin_timeout=1 its orphan is gone when B closes 3 s later: A answers B's FIN with RST.
others: A has two connections; on the first, A aborts (SO_LINGER 0) and an nft rule drops that RST, so the socket
vanishes silently; B writes on it 1.5 s later and A answers with RST, while the second connection runs throughout."""
import socket, struct, subprocess, sys, threading, time
ns, mode = sys.argv[1], sys.argv[2]
role = sys.argv[3]
if role == 'b':
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('10.77.0.2', 9100)); s.listen(4)
    if mode == 'fin':
        c, _ = s.accept(); c.recv(100); time.sleep(3); c.close()
    else:
        c1, _ = s.accept(); c2, _ = s.accept()
        def chat():
            for i in range(12):
                d = c2.recv(100)
                if not d: break
                c2.sendall(b'pong')
        th = threading.Thread(target=chat); th.start()
        c1.recv(100); time.sleep(1.5)
        try: c1.sendall(b'late'); time.sleep(0.5)
        except OSError: pass
        th.join(); c2.close()
    time.sleep(0.5)
else:
    if mode == 'fin':
        c = socket.create_connection(('10.77.0.2', 9100)); c.sendall(b'hello'); time.sleep(0.1); c.close(); time.sleep(4)
    else:
        c1 = socket.create_connection(('10.77.0.2', 9100)); c1.sendall(b'one')
        c2 = socket.create_connection(('10.77.0.2', 9100))
        port = c1.getsockname()[1]
        def chat():
            for i in range(12):
                c2.sendall(b'ping'); c2.recv(100); time.sleep(0.25)
            c2.close()
        th = threading.Thread(target=chat); th.start()
        time.sleep(0.3)
        subprocess.run(['nft', 'add', 'rule', 'inet', 't', 'o', 'tcp', 'sport', str(port), 'tcp', 'flags', '&', 'rst', '==', 'rst', 'drop'], check=True)
        c1.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); c1.close()
        time.sleep(0.2)
        subprocess.run(['nft', 'flush', 'chain', 'inet', 't', 'o'], check=True)
        th.join(); time.sleep(1)
