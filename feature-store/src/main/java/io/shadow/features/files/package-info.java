/** File-system chores every module needs, written once: deleting a directory tree. */
package io.shadow.features.files;
