//! Each reason's name in the trace contract and its source (the RFC
//! section and the Linux functions that send such a segment).

use super::Why;
use crate::text::{text, Text};

impl Why {
    /// Every reason, for catalogues and tests.
    pub const ALL: [Why; 27] = [
        Why::Connect,
        Why::SynRetransmit,
        Why::SynAck,
        Why::HandshakeAck,
        Why::Data,
        Why::Ack,
        Why::DelayedAck,
        Why::TimewaitAck,
        Why::Retransmit,
        Why::TailLossProbe,
        Why::Fin,
        Why::KeepaliveProbe,
        Why::ZeroWindowProbe,
        Why::DupAck,
        Why::ChallengeAck,
        Why::RstNoSocket,
        Why::RstListener,
        Why::RstBadAck,
        Why::RstUnreadData,
        Why::RstKeepaliveTimeout,
        Why::RstDataAfterClose,
        Why::ForgedSyn,
        Why::ForgedRst,
        Why::MiddleboxRst,
        Why::Captured,
        Why::FastRetransmit,
        Why::WindowUpdate,
    ];

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Connect => "connect",
            Why::SynRetransmit => "syn_retransmit",
            Why::SynAck => "syn_ack",
            Why::HandshakeAck => "handshake_ack",
            Why::Data => "data",
            Why::Ack => "ack",
            Why::DelayedAck => "delayed_ack",
            Why::TimewaitAck => "timewait_ack",
            Why::Retransmit => "retransmit",
            Why::TailLossProbe => "tail_loss_probe",
            Why::Fin => "fin",
            Why::KeepaliveProbe => "keepalive_probe",
            Why::ZeroWindowProbe => "zero_window_probe",
            Why::DupAck => "dup_ack",
            Why::ChallengeAck => "challenge_ack",
            Why::RstNoSocket => "rst_no_socket",
            Why::RstListener => "rst_listener",
            Why::RstBadAck => "rst_bad_ack",
            Why::RstUnreadData => "rst_unread_data",
            Why::RstKeepaliveTimeout => "rst_keepalive_timeout",
            Why::RstDataAfterClose => "rst_data_after_close",
            Why::ForgedSyn => "forged_syn",
            Why::ForgedRst => "forged_rst",
            Why::MiddleboxRst => "middlebox_rst",
            Why::Captured => "captured",
            Why::FastRetransmit => "fast_retransmit",
            Why::WindowUpdate => "window_update",
        }
    }

    /// Where the rule comes from: an RFC section and the Linux function, in
    /// both languages. (Empty without the `texts` feature: the browser build
    /// leaves these out, and the page fetches them, written at build time,
    /// when a reader first inspects a segment.)
    pub fn rule(self) -> Text {
        // A citation reads the same in both languages.
        macro_rules! same {
            ($s:literal) => {
                text!($s, $s)
            };
        }
        match self {
            Why::Connect => same!("RFC 9293 3.5; Linux tcp_v4_connect / tcp_connect"),
            Why::SynRetransmit => text!(
                "RFC 6298 5；Linux tcp_retransmit_timer、tcp_write_timeout（tcp_syn_retries；tcp_syn_linear_timeouts 自 6.5 起）",
                "RFC 6298 5; Linux tcp_retransmit_timer, tcp_write_timeout (tcp_syn_retries; tcp_syn_linear_timeouts since 6.5)"
            ),
            Why::SynAck => same!("RFC 9293 3.10.7.2; Linux tcp_conn_request / tcp_v4_send_synack"),
            Why::HandshakeAck => same!("RFC 9293 3.10.7.3; Linux tcp_rcv_synsent_state_process"),
            Why::Data => same!("RFC 9293 3.10.2; Linux tcp_sendmsg / tcp_write_xmit"),
            Why::Ack => same!("RFC 9293 3.10.7.4; Linux __tcp_ack_snd_check / tcp_send_ack"),
            Why::DelayedAck => {
                same!("RFC 1122 4.2.3.2; Linux tcp_send_delayed_ack / tcp_delack_timer_handler")
            }
            Why::TimewaitAck => {
                same!("RFC 9293 3.10.7.4 (TIME-WAIT); Linux tcp_timewait_state_process")
            }
            Why::Retransmit => same!("RFC 6298 5.4-5.6; Linux tcp_retransmit_timer"),
            Why::TailLossProbe => {
                same!("RFC 8985 7; Linux tcp_schedule_loss_probe / tcp_send_loss_probe")
            }
            Why::Fin => same!("RFC 9293 3.10.4; Linux tcp_close / tcp_send_fin"),
            Why::KeepaliveProbe => {
                same!("RFC 9293 3.8.4; Linux tcp_keepalive_timer / tcp_write_wakeup / tcp_xmit_probe_skb")
            }
            Why::ZeroWindowProbe => same!(
                "RFC 9293 3.8.6.1, RFC 1122 4.2.2.17; Linux tcp_probe_timer / tcp_send_probe0 / tcp_xmit_probe_skb"
            ),
            Why::DupAck => text!(
                "RFC 9293 3.10.7.4（不可接受的报文段）、RFC 5681 2（重复 ACK：乱序到达的报文段立即确认，RFC 5681 4.2）；Linux tcp_validate_incoming / tcp_send_dupack、tcp_data_queue",
                "RFC 9293 3.10.7.4 (unacceptable segment), RFC 5681 2 (duplicate ACK: a segment out of order is acknowledged at once, RFC 5681 4.2); Linux tcp_validate_incoming / tcp_send_dupack, tcp_data_queue"
            ),
            Why::ChallengeAck => text!(
                "RFC 5961 4.2；Linux tcp_validate_incoming / tcp_send_challenge_ack（3.6 起）",
                "RFC 5961 4.2; Linux tcp_validate_incoming / tcp_send_challenge_ack (since 3.6)"
            ),
            Why::RstNoSocket => same!("RFC 9293 3.10.7.1; Linux tcp_v4_rcv (no_tcp_socket) / tcp_v4_send_reset"),
            Why::RstListener => text!(
                "RFC 9293 3.10.7.2；Linux tcp_rcv_state_process（TCP_LISTEN 收到带 ACK 的报文，返回非零）/ tcp_v4_send_reset",
                "RFC 9293 3.10.7.2; Linux tcp_rcv_state_process (TCP_LISTEN, a segment with ACK: returns non-zero) / tcp_v4_send_reset"
            ),
            Why::RstBadAck => same!(
                "RFC 9293 3.10.7.3, 3.10.7.4; Linux tcp_rcv_synsent_state_process (reset_and_undo), tcp_check_req"
            ),
            Why::RstUnreadData => {
                same!("RFC 1122 4.2.2.13, RFC 2525 2.17; Linux tcp_close / __tcp_close")
            }
            Why::RstKeepaliveTimeout => {
                same!("Linux tcp_keepalive_timer -> tcp_send_active_reset, tcp_write_err")
            }
            Why::RstDataAfterClose => {
                same!("RFC 1122 4.2.2.13; Linux tcp_rcv_state_process (TCPABORTONDATA)")
            }
            Why::ForgedSyn => text!(
                "第三方伪造，冒用客户端的四元组；服务端按 RFC 5961 4.2 回挑战 ACK",
                "forged by a third party with the client's four-tuple; the server answers with a challenge ACK (RFC 5961 4.2)"
            ),
            Why::ForgedRst => text!(
                "第三方伪造；序号恰为 RCV.NXT 的 RST 被接受（RFC 5961 3.2；Linux tcp_validate_incoming -> tcp_reset）",
                "forged by a third party; a RST at exactly RCV.NXT is accepted (RFC 5961 3.2; Linux tcp_validate_incoming -> tcp_reset)"
            ),
            Why::MiddleboxRst => text!(
                "有状态的中间设备（NAT、负载均衡、防火墙）忘掉了这条流；序号按 RFC 9293 3.10.7.1 的规则填写",
                "a stateful middlebox (NAT, load balancer, firewall) that forgot the flow; numbers as RFC 9293 3.10.7.1 has them"
            ),
            Why::Captured => text!(
                "由 tests/kernel/record.py 在 Linux 上录制",
                "recorded on Linux by tests/kernel/record.py"
            ),
            Why::FastRetransmit => text!(
                "RFC 5681 3.2（三个重复 ACK）、RFC 6675 5（SACK）、RFC 8985 6（RACK）；Linux tcp_fastretrans_alert / tcp_xmit_retransmit_queue",
                "RFC 5681 3.2 (three duplicate ACKs), RFC 6675 5 (SACK), RFC 8985 6 (RACK); Linux tcp_fastretrans_alert / tcp_xmit_retransmit_queue"
            ),
            Why::WindowUpdate => {
                same!("RFC 9293 3.8.6.2.2, RFC 1122 4.2.3.3; Linux __tcp_cleanup_rbuf / tcp_send_ack")
            }
        }
    }
}
