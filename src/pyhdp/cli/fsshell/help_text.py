"""Long help (``-help``) descriptions, as Apache Hadoop 3.5's FsShell renders them.

Each value is the block printed under ``-<name> <USAGE> :``: the command's DESCRIPTION after
FsShell.printInstanceHelp has word-wrapped it at 80 columns and laid out its option table
(TableListing), with the two-space indent.  Kept verbatim (trailing blanks included) because
scripts and Hadoop's own CLI tests compare it line by line.
"""

HELP: dict[str, str] = {
    "appendToFile": (
        "  Appends the contents of all the given local files to the given dst file. The dst\n"
        "  file will be created if it does not exist. If <localSrc> is -, then the input is\n"
        "  read from stdin. Option -n represents that use NEW_BLOCK create flag to append\n"
        "  file.\n"
    ),
    "cat": ("  Fetch all files that match the file pattern <src> and display their content on\n  stdout.\n"),
    "checksum": (
        "  Dump checksum information for files that match the file pattern <src> to stdout.\n"
        "  Note that this requires a round-trip to a datanode storing each block of the\n"
        "  file, and thus is not efficient to run on a large number of files. The checksum\n"
        "  of a file depends on its content, block size and the checksum algorithm and\n"
        "  parameters used for creating the file.\n"
    ),
    "chgrp": ("  This is equivalent to -chown ... :GROUP ...\n"),
    "chmod": (
        "  Changes permissions of a file. This works similar to the shell's chmod command\n"
        "  with a few exceptions.\n"
        "                                                                                 \n"
        "  -R           modifies the files recursively. This is the only option currently \n"
        "               supported.                                                        \n"
        "  <MODE>       Mode is the same as mode used for the shell's command. The only   \n"
        "               letters recognized are 'rwxXt', e.g. +t,a+r,g-w,+rwx,o=r.         \n"
        "  <OCTALMODE>  Mode specifed in 3 or 4 digits. If 4 digits, the first may be 1 or\n"
        "               0 to turn the sticky bit on or off, respectively.  Unlike the     \n"
        "               shell command, it is not possible to specify only part of the     \n"
        "               mode, e.g. 754 is same as u=rwx,g=rx,o=r.                         \n"
        "  \n"
        "  If none of 'augo' is specified, 'a' is assumed and unlike the shell command, no\n"
        "  umask is applied.\n"
    ),
    "chown": (
        "  Changes owner and group of a file. This is similar to the shell's chown command\n"
        "  with a few exceptions.\n"
        "                                                                                 \n"
        "  -R  modifies the files recursively. This is the only option currently          \n"
        "      supported.                                                                 \n"
        "  \n"
        "  If only the owner or group is specified, then only the owner or group is\n"
        "  modified. The owner and group names may only consist of digits, alphabet, and\n"
        "  any of [-+_./@a-zA-Z0-9]. The names are case sensitive.\n"
        "  \n"
        "  WARNING: Avoid using '.' to separate user name and group though Linux allows it.\n"
        "  If user names have dots in them and you are using local file system, you might\n"
        "  see surprising results since the shell command 'chown' is used for local files.\n"
    ),
    "concat": (
        "  Concatenate existing source files into the target file. Target file and source\n"
        "  files should be in the same directory.\n"
    ),
    "copyFromLocal": ("  Identical to the -put command.\n"),
    "copyToLocal": ("  Identical to the -get command.\n"),
    "count": (
        "  Count the number of directories, files and bytes under the paths\n"
        "  that match the specified file pattern.  The output columns are:\n"
        "  DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME\n"
        "  or, with the -q option:\n"
        "  QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA\n"
        "        DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME\n"
        "  The -h option shows file sizes in human readable format.\n"
        "  The -v option displays a header line.\n"
        "  The -x option excludes snapshots from being calculated. \n"
        "  The -t option displays quota by storage types.\n"
        "  It should be used with -q or -u option, otherwise it will be ignored.\n"
        "  If a comma-separated list of storage types is given after the -t option, \n"
        "  it displays the quota and usage for the specified types. \n"
        "  Otherwise, it displays the quota and usage for all the storage \n"
        "  types that support quota. The list of possible storage types(case insensitive):\n"
        "  ram_disk, ssd, disk, archive and nvdimm.\n"
        "  It can also pass the value '', 'all' or 'ALL' to specify all the storage types.\n"
        "  The -u option shows the quota and \n"
        "  the usage against the quota without the detailed content summary.The -e option\n"
        "  shows the erasure coding policy.The -s option shows snapshot counts.\n"
    ),
    "cp": (
        "  Copy files that match the file pattern <src> to a destination. When copying\n"
        "  multiple files, the destination must be a directory.\n"
        "  Flags :\n"
        "                                                                                 \n"
        "  -p[topax]                    Preserve file attributes [topx] (timestamps,      \n"
        "                               ownership, permission, ACL, XAttr). If -p is      \n"
        "                               specified with no arg, then preserves timestamps, \n"
        "                               ownership, permission. If -pa is specified, then  \n"
        "                               preserves permission also because ACL is a        \n"
        "                               super-set of permission. Determination of whether \n"
        "                               raw namespace extended attributes are preserved is\n"
        "                               independent of the -p flag.                       \n"
        "  -f                           Overwrite the destination if it already exists.   \n"
        "  -d                           Skip creation of temporary file(<dst>._COPYING_). \n"
        "  -t <thread count>            Number of threads to be used, default is 1.       \n"
        "  -q <thread pool queue size>  Thread pool queue size to be used, default is     \n"
        "                               1024.                                             \n"
    ),
    "createSnapshot": ("  Create a snapshot on a directory\n"),
    "deleteSnapshot": ("  Delete a snapshot from a directory\n"),
    "df": (
        "  Shows the capacity, free and used space of the filesystem. If the filesystem has\n"
        "  multiple partitions, and no path to a particular partition is specified, then\n"
        "  the status of the root partitions will be shown.\n"
        "                                                                                 \n"
        "  -h  Formats the sizes of files in a human-readable fashion rather than a number\n"
        "      of bytes.                                                                  \n"
    ),
    "du": (
        "  Show the amount of space, in bytes, used by the files that match the specified\n"
        "  file pattern. The following flags are optional:\n"
        "                                                                                 \n"
        "  -s  Rather than showing the size of each individual file that matches the      \n"
        "      pattern, shows the total (summary) size.                                   \n"
        "  -h  Formats the sizes of files in a human-readable fashion rather than a number\n"
        "      of bytes.                                                                  \n"
        "  -v  option displays a header line.                                             \n"
        "  -x  Excludes snapshots from being counted.                                     \n"
        "  \n"
        "  Note that, even without the -s option, this only shows size summaries one level\n"
        "  deep into a directory.\n"
        "  \n"
        "  The output is in the form \n"
        "  \tsize\tdisk space consumed\tname(full path)\n"
    ),
    "dus": ("  (DEPRECATED) Same as 'du -s'\n"),
    "expunge": ("  Delete files from the trash that are older than the retention threshold\n"),
    "find": (
        "  Finds all files that match the specified expression and\n"
        "  applies selected actions to them. If no <path> is specified\n"
        "  then defaults to the current working directory. If no\n"
        "  expression is specified then defaults to -print.\n"
        "  \n"
        "  The following primary expressions are recognised:\n"
        "    -name pattern\n"
        "    -iname pattern\n"
        "      Evaluates as true if the basename of the file matches the\n"
        "      pattern using standard file system globbing.\n"
        "      If -iname is used then the match is case insensitive.\n"
        "  \n"
        "    -print\n"
        "    -print0\n"
        "      Always evaluates to true. Causes the current pathname to be\n"
        "      written to standard output followed by a newline. If the -print0\n"
        "      expression is used then an ASCII NULL character is appended rather\n"
        "      than a newline.\n"
        "  \n"
        "  The following operators are recognised:\n"
        "    expression -a expression\n"
        "    expression -and expression\n"
        "    expression expression\n"
        "      Logical AND operator for joining two expressions. Returns\n"
        "      true if both child expressions return true. Implied by the\n"
        "      juxtaposition of two expressions and so does not need to be\n"
        "      explicitly specified. The second expression will not be\n"
        "      applied if the first fails.\n"
    ),
    "get": (
        "  Copy files that match the file pattern <src> to the local name. <src> is kept.\n"
        "  When copying multiple files, the destination must be a directory.\n"
        "  Flags:\n"
        "                                                                                 \n"
        "  -p                           Preserves timestamps, ownership and the mode.     \n"
        "  -f                           Overwrites the destination if it already exists.  \n"
        "  -crc                         write CRC checksums for the files downloaded.     \n"
        "  -ignoreCrc                   Skip CRC checks on the file(s) downloaded.        \n"
        "  -t <thread count>            Number of threads to be used, default is 1.       \n"
        "  -q <thread pool queue size>  Thread pool queue size to be used, default is     \n"
        "                               1024.                                             \n"
    ),
    "getfacl": (
        "  Displays the Access Control Lists (ACLs) of files and directories. If a\n"
        "  directory has a default ACL, then getfacl also displays the default ACL.\n"
        "                                                                  \n"
        "  -R      List the ACLs of all files and directories recursively. \n"
        "  <path>  File or directory to list.                              \n"
    ),
    "getfattr": (
        "  Displays the extended attribute names and values (if any) for a file or\n"
        "  directory.\n"
        "                                                                                 \n"
        "  -R             Recursively list the attributes for all files and directories.  \n"
        "  -n name        Dump the named extended attribute value.                        \n"
        "  -d             Dump all extended attribute values associated with pathname.    \n"
        '  -e <encoding>  Encode values after retrieving them.Valid encodings are "text", \n'
        '                 "hex", and "base64". Values encoded as text strings are enclosed\n'
        '                 in double quotes ("), and values encoded as hexadecimal and     \n'
        "                 base64 are prefixed with 0x and 0s, respectively.               \n"
        "  <path>         The file or directory.                                          \n"
    ),
    "getmerge": (
        "  Get all the files in the directories that match the source file pattern and\n"
        "  merge and sort them to only one file on local fs. <src> is kept.\n"
        "                                                                     \n"
        "  -nl               Add a newline character at the end of each file. \n"
        "  -skip-empty-file  Do not add new line character for empty file.    \n"
    ),
    "head": ("  Show the first 1KB of the file.\n"),
    "help": ("  Displays help for given command or all commands if none is specified.\n"),
    "ls": (
        "  List the contents that match the specified file pattern. If path is not\n"
        "  specified, the contents of /user/<currentUser> will be listed. For a directory a\n"
        "  list of its direct children is returned (unless -d option is specified).\n"
        "  \n"
        "  Directory entries are of the form:\n"
        "  \tpermissions - userId groupId sizeOfDirectory(in bytes)\n"
        "  modificationDate(yyyy-MM-dd HH:mm) directoryName\n"
        "  \n"
        "  and file entries are of the form:\n"
        "  \tpermissions numberOfReplicas userId groupId sizeOfFile(in bytes)\n"
        "  modificationDate(yyyy-MM-dd HH:mm) fileName\n"
        "  \n"
        "    -C  Display the paths of files and directories only.\n"
        "    -d  Directories are listed as plain files.\n"
        "    -h  Formats the sizes of files in a human-readable fashion\n"
        "        rather than a number of bytes.\n"
        "    -q  Print ? instead of non-printable characters.\n"
        "    -R  Recursively list the contents of directories.\n"
        "    -t  Sort files by modification time (most recent first).\n"
        "    -S  Sort files by size.\n"
        "    -r  Reverse the order of the sort.\n"
        "    -u  Use time of last access instead of modification for\n"
        "        display and sorting.\n"
        "    -e  Display the erasure coding policy of files and directories.\n"
    ),
    "lsr": ("  (DEPRECATED) Same as 'ls -R'\n"),
    "mkdir": (
        "  Create a directory in specified location.\n"
        "                                                  \n"
        "  -p  Do not fail if the directory already exists \n"
    ),
    "moveFromLocal": (
        "  Same as -put, except that the source is deleted after it's copied\n"
        "  and -t option has not yet implemented.\n"
    ),
    "moveToLocal": ("  Not implemented yet\n"),
    "mv": (
        "  Move files that match the specified file pattern <src> to a destination <dst>. \n"
        "  When moving multiple files, the destination must be a directory.\n"
    ),
    "put": (
        "  Copy files from the local file system into fs. Copying fails if the file already\n"
        "  exists, unless the -f flag is given.\n"
        "  Flags:\n"
        "                                                                                 \n"
        "  -p                           Preserves timestamps, ownership and the mode.     \n"
        "  -f                           Overwrites the destination if it already exists.  \n"
        "  -t <thread count>            Number of threads to be used, default is 1.       \n"
        "  -q <thread pool queue size>  Thread pool queue size to be used, default is     \n"
        "                               1024.                                             \n"
        "  -l                           Allow DataNode to lazily persist the file to disk.\n"
        "                               Forces replication factor of 1. This flag will    \n"
        "                               result in reduced durability. Use with care.      \n"
        "  -d                           Skip creation of temporary file(<dst>._COPYING_). \n"
    ),
    "renameSnapshot": ("  Rename a snapshot from oldName to newName\n"),
    "rm": (
        "  Delete all files that match the specified file pattern. Equivalent to the Unix\n"
        '  command "rm <src>"\n'
        "                                                                                 \n"
        "  -f          If the file does not exist, do not display a diagnostic message or \n"
        "              modify the exit status to reflect an error.                        \n"
        "  -[rR]       Recursively deletes directories.                                   \n"
        "  -skipTrash  option bypasses trash, if enabled, and immediately deletes <src>.  \n"
        "  -safely     option requires safety confirmation, if enabled, requires          \n"
        "              confirmation before deleting large directory with more than        \n"
        "              <hadoop.shell.delete.limit.num.files> files. Delay is expected when\n"
        "              walking over large directory recursively to count the number of    \n"
        "              files to be deleted before the confirmation.                       \n"
    ),
    "rmdir": (
        "  Removes the directory entry specified by each directory argument, provided it is\n  empty.\n"
    ),
    "rmr": ("  (DEPRECATED) Same as '-rm -r'\n"),
    "setfacl": (
        "  Sets Access Control Lists (ACLs) of files and directories.\n"
        "  Options:\n"
        "                                                                                 \n"
        "  -b          Remove all but the base ACL entries. The entries for user, group   \n"
        "              and others are retained for compatibility with permission bits.    \n"
        "  -k          Remove the default ACL.                                            \n"
        "  -R          Apply operations to all files and directories recursively.         \n"
        "  -m          Modify ACL. New entries are added to the ACL, and existing entries \n"
        "              are retained.                                                      \n"
        "  -x          Remove specified ACL entries. Other ACL entries are retained.      \n"
        "  --set       Fully replace the ACL, discarding all existing entries. The        \n"
        "              <acl_spec> must include entries for user, group, and others for    \n"
        "              compatibility with permission bits. If the ACL spec contains only  \n"
        "              access entries, then the existing default entries are retained. If \n"
        "              the ACL spec contains only default entries, then the existing      \n"
        "              access entries are retained. If the ACL spec contains both access  \n"
        "              and default entries, then both are replaced.                       \n"
        "  <acl_spec>  Comma separated list of ACL entries.                               \n"
        "  <path>      File or directory to modify.                                       \n"
    ),
    "setfattr": (
        "  Sets an extended attribute name and value for a file or directory.\n"
        "                                                                                 \n"
        "  -n name   The extended attribute name.                                         \n"
        "  -v value  The extended attribute value. There are three different encoding     \n"
        "            methods for the value. If the argument is enclosed in double quotes, \n"
        "            then the value is the string inside the quotes. If the argument is   \n"
        "            prefixed with 0x or 0X, then it is taken as a hexadecimal number. If \n"
        "            the argument begins with 0s or 0S, then it is taken as a base64      \n"
        "            encoding.                                                            \n"
        "  -x name   Remove the extended attribute.                                       \n"
        "  <path>    The file or directory.                                               \n"
    ),
    "setrep": (
        "  Set the replication level of a file. If <path> is a directory then the command\n"
        "  recursively changes the replication factor of all files under the directory tree\n"
        "  rooted at <path>. The EC files will be ignored here.\n"
        "                                                                                 \n"
        "  -w  It requests that the command waits for the replication to complete. This   \n"
        "      can potentially take a very long time.                                     \n"
        "  -R  It is accepted for backwards compatibility. It has no effect.              \n"
    ),
    "stat": (
        "  Print statistics about the file/directory at <path>\n"
        "  in the specified format. Format accepts permissions in\n"
        "  octal (%a) and symbolic (%A), filesize in\n"
        "  bytes (%b), type (%F), group name of owner (%g),\n"
        "  name (%n), block size (%o), replication (%r), user name\n"
        "  of owner (%u), access date (%x, %X).\n"
        "  modification date (%y, %Y).\n"
        '  %x and %y show UTC date as "yyyy-MM-dd HH:mm:ss" and\n'
        "  %X and %Y show milliseconds since January 1, 1970 UTC.\n"
        "  If the format is not specified, %y is used by default.\n"
    ),
    "tail": (
        "  Show the last 1KB of the file.\n"
        "                                                                               \n"
        "  -f  Shows appended data as the file grows.                                   \n"
        "  -s  With -f , defines the sleep interval between iterations in milliseconds. \n"
    ),
    "test": (
        "  Answer various questions about <path>, with result via exit status.\n"
        "    -d  return 0 if <path> is a directory.\n"
        "    -e  return 0 if <path> exists.\n"
        "    -f  return 0 if <path> is a file.\n"
        "    -s  return 0 if file <path> is greater         than zero bytes in size.\n"
        "    -w  return 0 if file <path> exists         and write permission is granted.\n"
        "    -r  return 0 if file <path> exists         and read permission is granted.\n"
        "    -z  return 0 if file <path> is         zero bytes in size, else return 1.\n"
    ),
    "text": (
        "  Takes a source file and outputs the file in text format.\n"
        "  The allowed formats are zip and TextRecordInputStream and Avro.\n"
    ),
    "touch": (
        "  Updates the access and modification times of the file specified by the <path> to\n"
        "  the current time. If the file does not exist, then a zero length file is created\n"
        "  at <path> with current time as the timestamp of that <path>.\n"
        "  -a Change only the access time \n"
        "  -m Change only the modification time \n"
        "  -t TIMESTAMP Use specified timestamp instead of current time\n"
        "   TIMESTAMP format yyyyMMdd:HHmmss\n"
        "  -c Do not create any files\n"
    ),
    "touchz": (
        "  Creates a file of zero length at <path> with current time as the timestamp of\n"
        "  that <path>. An error is returned if the file exists with non-zero length\n"
    ),
    "truncate": (
        "  Truncate all files that match the specified file pattern to the specified\n"
        "  length.\n"
        "                                                                                 \n"
        "  -w  Requests that the command wait for block recovery to complete, if          \n"
        "      necessary.                                                                 \n"
    ),
    "usage": ("  Displays the usage for given command or all commands if none is specified.\n"),
}
