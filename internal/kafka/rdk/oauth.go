package rdk

/*
#include "rdk.h"
*/
import "C"

import (
	"errors"
	"unsafe"

	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
)

// rdkTokens pushes tokens to a handle of our binding.
func (c *Client) rdkTokens(rk *C.rd_kafka_t) (stop func()) {
	if c.tokens == nil {
		return func() {}
	}
	return c.tokens(func(t clientconfig.Token) error {
		value, principal := C.CString(t.Value), C.CString(t.Principal)
		defer C.free(unsafe.Pointer(value))
		defer C.free(unsafe.Pointer(principal))
		var ext []*C.char // key, value, key, value...
		for k, v := range t.Extensions {
			ext = append(ext, C.CString(k), C.CString(v))
		}
		defer func() {
			for _, p := range ext {
				C.free(unsafe.Pointer(p))
			}
		}()
		var extp **C.char
		if len(ext) > 0 {
			extp = &ext[0]
		}
		errstr := make([]byte, 512)
		code := C.rd_kafka_oauthbearer_set_token(rk, value, C.int64_t(t.Expiry.UnixMilli()), principal, extp, C.size_t(len(ext)),
			(*C.char)(unsafe.Pointer(&errstr[0])), C.size_t(len(errstr)))
		if code != 0 {
			return errors.New(C.GoString((*C.char)(unsafe.Pointer(&errstr[0]))))
		}
		return nil
	}, func(msg string) {
		cmsg := C.CString(msg)
		defer C.free(unsafe.Pointer(cmsg))
		C.rd_kafka_oauthbearer_set_token_failure(rk, cmsg)
	})
}
