import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

/** One record of a file: its fields, the line it starts on (1-based), and why it is unreadable. */
export type FileRecord = { line: number; fields: string[]; problem?: string }

/** How a file's records are written: RFC 4180 CSV, or fields separated by runs of whitespace. */
export type FileFormat = 'csv' | 'whitespace'

/**
 * Streams a file's records without holding the file in memory; blank lines are skipped.
 * @example for await (const record of readRecords('orders.csv', 'csv')) console.log(record.line, record.fields)
 */
export function readRecords(path: string, format: FileFormat): AsyncGenerator<FileRecord> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })
  return format === 'csv' ? csvRecords(stream) : whitespaceRecords(stream)
}

const QUOTE = 34
const COMMA = 44
const CR = 13
const LF = 10

/**
 * An RFC 4180 parser over text chunks: quoted fields may hold commas, line breaks and doubled
 * quotes; lines end in LF, CRLF or CR; a leading byte-order mark is dropped. A quote inside an
 * unquoted field is kept as text (as spreadsheets write it). A quoted field still open at the end
 * of the file becomes a record with a `problem`, so one stray quote costs one reported row.
 * @example for await (const record of csvRecords(['a,"b ""c"""\r\n1,2\n'])) ... // ['a', 'b "c"'], ['1', '2']
 */
export async function* csvRecords(
  chunks: AsyncIterable<string> | Iterable<string>,
): AsyncGenerator<FileRecord> {
  let fields: string[] = []
  let field = ''
  let isQuoted = false // inside a quoted field
  let wasQuoted = false // the current field was quoted (so an empty line is not a blank one)
  let isAfterQuote = false // inside a quoted field, the last character was a quote
  let isAfterCr = false // the last character was a CR: a following LF is the same line break
  let line = 1
  let recordLine = 1
  let isFirstChunk = true

  for await (let chunk of chunks) {
    if (isFirstChunk && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1)
    isFirstChunk = false
    const done: FileRecord[] = []
    let start = 0 // start of the text not yet added to `field`
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i)
      const isCrLf = c === LF && isAfterCr
      isAfterCr = c === CR
      if ((c === LF && !isCrLf) || c === CR) line++
      if (isQuoted) {
        if (isAfterQuote) {
          isAfterQuote = false
          if (c === QUOTE) {
            start = i // the second quote of a pair is text
            continue
          }
          isQuoted = false // the quote closed the field; read this character as unquoted
        } else {
          if (c === QUOTE) {
            field += chunk.slice(start, i)
            start = i + 1
            isAfterQuote = true
          }
          continue
        }
      }
      if (c === COMMA) {
        fields.push(field + chunk.slice(start, i))
        field = ''
        wasQuoted = false
        start = i + 1
      } else if (c === CR || c === LF) {
        if (!isCrLf) {
          fields.push(field + chunk.slice(start, i))
          const isBlank = fields.length === 1 && fields[0] === '' && !wasQuoted
          if (!isBlank) done.push({ line: recordLine, fields })
        }
        fields = []
        field = ''
        wasQuoted = false
        start = i + 1
        recordLine = line
      } else if (c === QUOTE && i === start && field === '' && !wasQuoted) {
        isQuoted = true
        wasQuoted = true
        start = i + 1
      }
    }
    if (!isAfterQuote) field += chunk.slice(start)
    yield* done
  }
  if (isQuoted && !isAfterQuote) {
    fields.push(field)
    yield {
      line: recordLine,
      fields,
      problem: `a quoted field opened on line ${recordLine} is never closed`,
    }
  } else if (fields.length > 0 || field !== '' || wasQuoted) {
    fields.push(field)
    yield { line: recordLine, fields }
  }
}

/**
 * Lines of fields separated by spaces or tabs, like the CDNOW data set's text files.
 * @example for await (const record of whitespaceRecords(stream)) ... // ' 00001 19970101  1   11.77' -> ['00001', '19970101', '1', '11.77']
 */
export async function* whitespaceRecords(input: NodeJS.ReadableStream): AsyncGenerator<FileRecord> {
  let line = 0
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++
    const trimmed = (line === 1 ? text.replace(/^\ufeff/, '') : text).trim()
    if (trimmed !== '') yield { line, fields: trimmed.split(/\s+/) }
  }
}
