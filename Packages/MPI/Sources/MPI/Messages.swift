import CMPI

/// A message a matched probe found and reserved for this process (`MPI_Mprobe`): no other receive can take
/// it, so the receive that follows gets exactly the message probed — even with other threads receiving, or a
/// wildcard source. Noncopyable: it is received once, by ``receive(as:)``, which consumes it.
public struct MatchedMessage: ~Copyable {
    @usableFromInline var handle: MessageHandle
    @usableFromInline var status: MPI_Status

    init(handle: MessageHandle, status: MPI_Status) {
        self.handle = handle
        self.status = status
    }

    /// The rank that sent it.
    public var source: Int { Int(status.MPI_SOURCE) }
    /// Its tag.
    public var tag: Int32 { status.MPI_TAG }

    /// How many elements of type `T` it holds (`MPI_Get_count`); throws ``MPIError/Class/type`` when it is not
    /// a whole number of them.
    public func count<T: MPIElement>(of type: T.Type) throws(MPIError) -> Int {
        try ReceiveStatus.count(of: status, as: T.self)
    }

    /// Receives the message, all of it (`MPI_Mrecv` into an array of its exact length).
    public consuming func receive<T: MPIElement>(as type: T.Type = T.self) throws(MPIError) -> Message<T> {
        let count = try self.count(of: T.self)
        var handle = self.handle
        var status = MPI_Status()
        let values = try [T](unsafeUninitializedCapacity: count) { (buffer, initialized) throws(MPIError) in
            try check(MPI_Mrecv(buffer.baseAddress, try mpiCount(count), T.mpiDatatype.handle, &handle, &status), "MPI_Mrecv")
            initialized = count
        }
        return Message(values: values, source: Int(self.status.MPI_SOURCE), tag: self.status.MPI_TAG)
    }
}

extension Communicator {
    /// Waits for a message from `source` (nil: any) with `tag` (nil: any) and reserves it for this process
    /// (`MPI_Mprobe`): the master/worker pattern's "receive whatever comes, whatever its length".
    public func matchedProbe(from source: Int? = nil, tag: Int32? = nil) throws(MPIError) -> MatchedMessage {
        if let source { try checkRank(source, "source", "MPI_Mprobe") }
        var handle: MessageHandle = cmpi_message_null()
        var status = MPI_Status()
        try check(MPI_Mprobe(source.map(Int32.init) ?? MPI_ANY_SOURCE, tag ?? MPI_ANY_TAG, self.handle, &handle, &status),
                  "MPI_Mprobe")
        return MatchedMessage(handle: handle, status: status)
    }

    /// Like ``matchedProbe(from:tag:)``, but nil at once when no such message has arrived (`MPI_Improbe`).
    public func matchedProbeIfAny(from source: Int? = nil, tag: Int32? = nil) throws(MPIError) -> MatchedMessage? {
        if let source { try checkRank(source, "source", "MPI_Improbe") }
        var handle: MessageHandle = cmpi_message_null()
        var status = MPI_Status()
        var flag: Int32 = 0
        try check(MPI_Improbe(source.map(Int32.init) ?? MPI_ANY_SOURCE, tag ?? MPI_ANY_TAG, self.handle, &flag, &handle, &status),
                  "MPI_Improbe")
        return flag != 0 ? MatchedMessage(handle: handle, status: status) : nil
    }

    // MARK: Strings

    /// Sends `text` as its UTF-8 bytes (`MPI_Send` of `MPI_UINT8_T`): strings travel in an explicit encoding.
    public func send(utf8 text: String, to destination: Int, tag: Int32) throws(MPIError) {
        try send(Array(text.utf8), to: destination, tag: tag)
    }

    /// Receives a string sent with ``send(utf8:to:tag:)``, whatever its length (a matched probe, then the
    /// receive); returns it with its sender and tag. Bytes that are not UTF-8 become U+FFFD.
    public func receiveString(from source: Int? = nil, tag: Int32? = nil) throws(MPIError) -> (text: String, source: Int, tag: Int32) {
        let message = try matchedProbe(from: source, tag: tag).receive(as: UInt8.self)
        return (String(decoding: message.values, as: UTF8.self), message.source, message.tag)
    }
}
