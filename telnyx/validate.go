package telnyx

import (
	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"
)

const maxPageSize = PageSizeMax // from api/openapi.yaml (limits.gen.go)

// isUUID reports whether s is a UUID in its canonical 8-4-4-4-12 form, in any case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// parseID checks that id is a UUID and returns it in the generated code's type.
func parseID(name, id string) (openapi_types.UUID, error) {
	if !isUUID(id) {
		return openapi_types.UUID{}, invalidValue(name, id, "is not a UUID")
	}
	return uuid.Parse(id)
}

// checkPage validates page[number] and page[size] (0 = server default).
func checkPage(number, size int) error {
	if number < 0 {
		return invalidArg("PageNumber", "must be >= 0, got %d", number)
	}
	if size < 0 || size > maxPageSize {
		return invalidArg("PageSize", "must be between 1 and %d (or 0 for the default), got %d", maxPageSize, size)
	}
	return nil
}
