/// Which side opens the TCP connection (`ConnectionType`).
public enum ConnectionType: String, Sendable, Hashable, CaseIterable {
    /// Connects to the counterparty and sends the first Logon (`initiator`).
    case initiator
    /// Listens for the counterparty and answers its Logon (`acceptor`).
    case acceptor
}
