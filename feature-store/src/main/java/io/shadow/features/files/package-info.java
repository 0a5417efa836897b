/** File-system chores every module needs, written once: deleting a directory tree, owner-only files and folders. */
package io.shadow.features.files;
