// The MPI C API for Swift, plus getters for what Swift cannot import.
//
// Open MPI defines its predefined handles (MPI_COMM_WORLD, MPI_INT32_T, MPI_SUM, ...) as macros over the
// addresses of globals of incomplete type, and MPICH defines some (MPI_IN_PLACE, MPI_STATUS_IGNORE, ...) as
// integer-to-pointer casts: the Swift importer skips both kinds. Each `static inline` getter below hands one
// of them to Swift at the cost of nothing. Every symbol carries the `cmpi_` prefix. A getter can go when the
// importer learns to import the macro it wraps.
#ifndef CMPI_SHIM_H
#define CMPI_SHIM_H

#include <mpi.h>

// Communicators and error handlers.
static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm cmpi_comm_self(void) { return MPI_COMM_SELF; }
static inline MPI_Comm cmpi_comm_null(void) { return MPI_COMM_NULL; }
static inline MPI_Errhandler cmpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int cmpi_comm_type_shared(void) { return MPI_COMM_TYPE_SHARED; }
static inline MPI_Info cmpi_info_null(void) { return MPI_INFO_NULL; }
static inline MPI_Group cmpi_group_null(void) { return MPI_GROUP_NULL; }
static inline MPI_Group cmpi_group_empty(void) { return MPI_GROUP_EMPTY; }
static inline int *cmpi_unweighted(void) { return MPI_UNWEIGHTED; }

// Datatypes.
static inline MPI_Datatype cmpi_datatype_null(void) { return MPI_DATATYPE_NULL; }
static inline MPI_Datatype cmpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype cmpi_char(void) { return MPI_CHAR; }
static inline MPI_Datatype cmpi_int8(void) { return MPI_INT8_T; }
static inline MPI_Datatype cmpi_int16(void) { return MPI_INT16_T; }
static inline MPI_Datatype cmpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype cmpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype cmpi_uint8(void) { return MPI_UINT8_T; }
static inline MPI_Datatype cmpi_uint16(void) { return MPI_UINT16_T; }
static inline MPI_Datatype cmpi_uint32(void) { return MPI_UINT32_T; }
static inline MPI_Datatype cmpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype cmpi_c_bool(void) { return MPI_C_BOOL; }

// Reduction operations.
static inline MPI_Op cmpi_op_null(void) { return MPI_OP_NULL; }
static inline MPI_Op cmpi_op_sum(void) { return MPI_SUM; }
static inline MPI_Op cmpi_op_prod(void) { return MPI_PROD; }
static inline MPI_Op cmpi_op_max(void) { return MPI_MAX; }
static inline MPI_Op cmpi_op_min(void) { return MPI_MIN; }
static inline MPI_Op cmpi_op_band(void) { return MPI_BAND; }
static inline MPI_Op cmpi_op_bor(void) { return MPI_BOR; }
static inline MPI_Op cmpi_op_land(void) { return MPI_LAND; }
static inline MPI_Op cmpi_op_lor(void) { return MPI_LOR; }

// Point to point and special buffers. Their values differ between implementations: never hard-code them.
static inline MPI_Request cmpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Message cmpi_message_null(void) { return MPI_MESSAGE_NULL; }
static inline MPI_Message cmpi_message_no_proc(void) { return MPI_MESSAGE_NO_PROC; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Status *cmpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *cmpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }


// One-sided communication and files.
static inline MPI_Win cmpi_win_null(void) { return MPI_WIN_NULL; }
static inline MPI_File cmpi_file_null(void) { return MPI_FILE_NULL; }
static inline MPI_Op cmpi_op_replace(void) { return MPI_REPLACE; }
static inline MPI_Op cmpi_op_no_op(void) { return MPI_NO_OP; }

// A datatype attribute key with no copy or delete function (the null functions are macros).
static inline int cmpi_type_create_keyval(int *keyval) {
    return MPI_Type_create_keyval(MPI_TYPE_NULL_COPY_FN, MPI_TYPE_NULL_DELETE_FN, keyval, (void *)0);
}

#endif
