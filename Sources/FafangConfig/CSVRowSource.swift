/// A CSV register streamed from its file (UTF-8 or GB18030, a chunk at a time) through
/// `CSVRowParser`.
struct CSVRowSource: RegisterRowSource {
    private let stream: TextFileStream
    private var parser = CSVRowParser()
    private var chunk: [UInt8] = []
    private var position = 0
    private var finished = false

    init(path: String, chunkSize: Int = TextFileStream.defaultChunkSize) throws(TextFile.Failure) {
        stream = try TextFileStream(path: path, chunkSize: chunkSize)
    }

    mutating func next() throws(RegisterSourceError) -> RegisterRow? {
        while !finished {
            if position < chunk.count {
                let parsed: Result<CSVRowParser.Record?, CSVTable.SyntaxError> = chunk.withUnsafeBufferPointer { bytes in
                    do throws(CSVTable.SyntaxError) { return .success(try parser.parse(bytes, from: &position)) } catch { return .failure(error) }
                }
                switch parsed {
                case let .success(record?): return RegisterRow(line: record.line, cells: record.fields)
                case .success(nil): break
                case let .failure(error): throw RegisterSourceError(line: error.line, message: error.message)
                }
            }
            position = 0
            let more: Bool
            do { more = try stream.next(into: &chunk) } catch { throw RegisterSourceError(error) }
            if !more {
                chunk.removeAll()
                finished = true
                do {
                    return try parser.finish().map { RegisterRow(line: $0.line, cells: $0.fields) }
                } catch {
                    throw RegisterSourceError(line: error.line, message: error.message)
                }
            }
        }
        return nil
    }
}
