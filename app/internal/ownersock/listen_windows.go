package ownersock

import "net"

// listen creates the socket. Windows has no umask: the
// socket file inherits the ACL of the data directory, under the user's
// profile, where only the user, SYSTEM and administrators may write, and
// connecting needs write access to the file.
func listen(path string) (net.Listener, error) {
	return net.Listen("unix", path)
}
