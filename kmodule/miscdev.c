// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * miscdev.c - /dev/ecryptfs, upstream's daemon interface (proto section 6).
 *
 * open() registers the opener's euid as a daemon, release() unregisters
 * it and fails whatever it still holds.  read() hands out one REQUEST
 * frame; write() takes HELO, QUIT and RESPONSE frames.  The file holds a
 * reference on the module, so rmmod is refused while a daemon is attached.
 *
 * Bad frames are refused with EINVAL and counted in a rate-limited log
 * line; a client cannot fill the log or reach a WARN.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/cred.h>

#include "ecfs.h"

static void ecfs_miscdev_notify(struct ecfs_daemon *d)
{
	wake_up_interruptible(&d->wait);
}

static const struct ecfs_daemon_ops ecfs_miscdev_ops = {
	.name = "miscdev",
	.notify = ecfs_miscdev_notify,
};

static int ecfs_miscdev_open(struct inode *inode, struct file *file)
{
	struct ecfs_daemon *d;
	int err;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	err = ecfs_daemon_register(d, file->f_cred->euid, &ecfs_miscdev_ops);
	if (err) {
		kfree(d);
		return err;
	}
	file->private_data = d;
	return 0;
}

static int ecfs_miscdev_release(struct inode *inode, struct file *file)
{
	struct ecfs_daemon *d = file->private_data;

	ecfs_daemon_unregister(d);
	kfree(d);
	return 0;
}

static __poll_t ecfs_miscdev_poll(struct file *file, poll_table *pt)
{
	struct ecfs_daemon *d = file->private_data;

	poll_wait(file, &d->wait, pt);
	return ecfs_daemon_has_request(d) ? EPOLLIN | EPOLLRDNORM : 0;
}

/*
 * One REQUEST frame per call.  As upstream, 0 means "nothing this time":
 * another read is in progress, the buffer is too small (the request
 * stays queued), or a signal arrived while waiting.
 */
static ssize_t ecfs_miscdev_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct ecfs_daemon *d = file->private_data;
	size_t len_bytes, frame_len;
	u32 ctr = 0, index = 0;
	ssize_t got;
	u8 *frame;

	frame = kmalloc(ECFS_MSG_MAX_REQUEST_SIZE, GFP_KERNEL);
	if (!frame)
		return -ENOMEM;
	if (test_and_set_bit(0, &d->in_read)) {
		got = 0;
		goto out_free;
	}
	for (;;) {
		if (wait_event_interruptible(d->wait,
					     ecfs_daemon_has_request(d))) {
			got = 0;
			goto out;
		}
		/*
		 * Leave room for the frame head; the length code of a
		 * request is at most ECFS_PKT_LEN_MAX_SIZE bytes.
		 */
		got = ecfs_daemon_take(d, &ctr, &index,
				       frame + ECFS_MSG_CTL_SIZE +
				       ECFS_PKT_LEN_MAX_SIZE,
				       ECFS_MSG_MAX_REQUEST_SIZE -
				       ECFS_MSG_CTL_SIZE - ECFS_PKT_LEN_MAX_SIZE);
		if (got)
			break;
	}
	if (got < 0) {
		got = 0;
		goto out;
	}
	/* Slide the message down behind a length code of its own size. */
	if (ecfs_write_pkt_len(frame + ECFS_MSG_OFF_LEN,
			       ECFS_PKT_LEN_MAX_SIZE, got, &len_bytes)) {
		ecfs_daemon_unread(d, index, ctr);
		got = 0;
		goto out;
	}
	if (len_bytes < ECFS_PKT_LEN_MAX_SIZE)
		memmove(frame + ECFS_MSG_OFF_LEN + len_bytes,
			frame + ECFS_MSG_OFF_LEN + ECFS_PKT_LEN_MAX_SIZE, got);
	frame[ECFS_MSG_OFF_TYPE] = ECFS_MSG_REQUEST;
	put_unaligned_be32(ctr, frame + ECFS_MSG_OFF_CTR);
	frame_len = ECFS_MSG_OFF_LEN + len_bytes + got;
	if (count < frame_len) {
		pr_warn_ratelimited("daemon read with a %zu-byte buffer, the request needs %zu\n",
				    count, frame_len);
		ecfs_daemon_unread(d, index, ctr);
		got = 0;
		goto out;
	}
	if (copy_to_user(buf, frame, frame_len)) {
		ecfs_daemon_unread(d, index, ctr);
		got = -EFAULT;
		goto out;
	}
	got = frame_len;
out:
	clear_bit(0, &d->in_read);
out_free:
	kfree_sensitive(frame);
	return got;
}

static ssize_t ecfs_miscdev_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct ecfs_daemon *d = file->private_data;
	u8 peek[ECFS_PKT_LEN_MAX_SIZE] = { 0 };
	size_t len = 0, len_bytes = 0;
	ssize_t ret;
	u8 *frame;
	u32 ctr;

	if (count == 0)
		return 0;
	if (count != ECFS_MSG_CTL_SIZE &&
	    (count < ECFS_MSG_MIN_PKT_SIZE || count > ECFS_MSG_MAX_WRITE_SIZE)) {
		pr_warn_ratelimited("daemon wrote %zu bytes; a frame is 5 or %d..%d bytes\n",
				    count, ECFS_MSG_MIN_PKT_SIZE,
				    ECFS_MSG_MAX_WRITE_SIZE);
		return -EINVAL;
	}
	if (count > ECFS_MSG_CTL_SIZE) {
		if (copy_from_user(peek, buf + ECFS_MSG_OFF_LEN,
				   min_t(size_t, count - ECFS_MSG_OFF_LEN,
					 sizeof(peek))))
			return -EFAULT;
		if (ecfs_parse_pkt_len(peek, count - ECFS_MSG_OFF_LEN, &len,
				       &len_bytes) ||
		    ECFS_MSG_OFF_LEN + len_bytes + len != count) {
			pr_warn_ratelimited("daemon frame of %zu bytes has an inconsistent length\n",
					    count);
			return -EINVAL;
		}
	}
	frame = memdup_user(buf, count);
	if (IS_ERR(frame))
		return PTR_ERR(frame);
	switch (frame[ECFS_MSG_OFF_TYPE]) {
	case ECFS_MSG_HELO:
	case ECFS_MSG_QUIT:
		ret = count;
		break;
	case ECFS_MSG_RESPONSE:
		ret = -EINVAL;
		if (count < ECFS_MSG_MIN_RESPONSE_SIZE) {
			pr_warn_ratelimited("daemon response of %zu bytes is too short\n",
					    count);
			break;
		}
		ctr = get_unaligned_be32(frame + ECFS_MSG_OFF_CTR);
		/* Align the host-endian message at the buffer's start. */
		memmove(frame, frame + ECFS_MSG_OFF_LEN + len_bytes, len);
		ret = ecfs_daemon_reply(d, ctr,
					(const struct ecfs_message *)frame,
					len);
		if (ret) {
			pr_warn_ratelimited("daemon response refused: no such pending request for this daemon (%zd)\n",
					    ret);
			break;
		}
		ret = count;
		break;
	default:
		pr_warn_ratelimited("daemon frame of unknown type %u\n",
				    frame[ECFS_MSG_OFF_TYPE]);
		ret = -EINVAL;
		break;
	}
	kfree_sensitive(frame);
	return ret;
}

static const struct file_operations ecfs_miscdev_fops = {
	.owner		= THIS_MODULE,
	.open		= ecfs_miscdev_open,
	.release	= ecfs_miscdev_release,
	.poll		= ecfs_miscdev_poll,
	.read		= ecfs_miscdev_read,
	.write		= ecfs_miscdev_write,
	.llseek		= noop_llseek,
};

static struct miscdevice ecfs_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "ecryptfs",
	.fops	= &ecfs_miscdev_fops,
};

int ecfs_miscdev_init(void)
{
	return misc_register(&ecfs_miscdev);
}

void ecfs_miscdev_exit(void)
{
	misc_deregister(&ecfs_miscdev);
}
