package rdk

// SetPackBuffer has the reader pack fetched records into n bytes instead
// of 1 MB: with a few records per packed batch, records fetched together
// wait both in the Go buffer and on the C side.
func SetPackBuffer(r *Reader, n int) { r.fast.scratch = make([]byte, n) }

// HeaderlessRecords is how many fetched records the reader told had no
// headers without asking librdkafka (rdk.c's sc_headerless).
func HeaderlessRecords(r *Reader) int64 { return r.fast.headerless() }
