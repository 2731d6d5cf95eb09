package parquetfiles

import (
	"time"

	"github.com/cprtestdata/cprtestdata/formats/tables"
)

// The converters of personRow's generated fill: a persons-table cell into its column, nil when absent.

func cellText(dst *string, c tables.Cell) *string {
	if !c.OK {
		return nil
	}
	return str(dst, c.S)
}

func cellDate(dst *int32, c tables.Cell) *int32 {
	if !c.OK {
		return nil
	}
	return date(dst, c.D)
}

// cellTimestamp is a date at the time of day the record tables give it: the same value as theirs.
func cellTimestamp(dst *time.Time, c tables.Cell) *time.Time {
	if !c.OK {
		return nil
	}
	t := c.T
	*dst = time.Date(c.D.Year, c.D.Month, c.D.Day, int(t[0]-'0')*10+int(t[1]-'0'), int(t[2]-'0')*10+int(t[3]-'0'), 0, 0, time.UTC)
	return dst
}

func cellFlag(dst *bool, c tables.Cell) *bool {
	if !c.OK {
		return nil
	}
	*dst = c.B
	return dst
}
